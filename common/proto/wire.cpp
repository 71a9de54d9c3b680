// Little-endian field encoding: core::load_le and append_le, one load or store each (the build
// targets little-endian hosts only; a loop of byte shifts was left as shifts by gcc here).
#include "proto/wire.hpp"

#include "core/bytes.hpp"

namespace shoal::proto {

using core::append_le;
using core::load_le;

void
WireWriter::i32(std::int32_t v)
{
  append_le(m_out, static_cast<std::uint32_t>(v));
}

void
WireWriter::u16(std::uint16_t v)
{
  append_le(m_out, v);
}

void
WireWriter::u64(std::uint64_t v)
{
  append_le(m_out, v);
}

void
WireWriter::boolean(bool v)
{
  m_out.push_back(v ? '\1' : '\0');
}

void
WireWriter::array(std::string_view bytes)
{
  u64(bytes.size());
  m_out.append(bytes);
}

bool
WireReader::i32(std::int32_t& v)
{
  if (remaining() < 4)
    return false;
  v = static_cast<std::int32_t>(load_le<std::uint32_t>(m_in.data() + m_pos));
  m_pos += 4;
  return true;
}

bool
WireReader::u16(std::uint16_t& v)
{
  if (remaining() < 2)
    return false;
  v = load_le<std::uint16_t>(m_in.data() + m_pos);
  m_pos += 2;
  return true;
}

bool
WireReader::u64(std::uint64_t& v)
{
  if (remaining() < 8)
    return false;
  v = load_le<std::uint64_t>(m_in.data() + m_pos);
  m_pos += 8;
  return true;
}

bool
WireReader::boolean(bool& v)
{
  if (remaining() < 1)
    return false;
  v = m_in[m_pos] != '\0';
  m_pos += 1;
  return true;
}

ArrayStatus
WireReader::array(std::string_view& out, std::uint64_t max_len)
{
  if (remaining() < 8)
    return ArrayStatus::need_more;
  m_announced = load_le<std::uint64_t>(m_in.data() + m_pos);
  if (m_announced > max_len) {
    m_pos += 8; // a server skips the bytes from here on
    return ArrayStatus::too_long;
  }
  // Compare against what remains, never m_pos + len: len may be close to 2^64.
  if (m_announced > remaining() - 8)
    return ArrayStatus::need_more;
  out = m_in.substr(m_pos + 8, static_cast<std::size_t>(m_announced));
  m_pos += 8 + static_cast<std::size_t>(m_announced);
  return ArrayStatus::ok;
}

} // namespace shoal::proto
