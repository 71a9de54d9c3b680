// Little-endian field encoding; explicit byte shifts keep it correct on any host while
// compilers turn them into single loads and stores on x86-64.
#include "proto/wire.hpp"

namespace shoal::proto {

namespace {

template <class T>
void
put_le(std::string& out, T v)
{
  char bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i)
    bytes[i] = static_cast<char>(static_cast<std::uint64_t>(v) >> (8 * i));
  out.append(bytes, sizeof(T));
}

template <class T>
T
get_le(const char* p)
{
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i)
    v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return static_cast<T>(v);
}

} // namespace

void
WireWriter::i32(std::int32_t v)
{
  put_le(m_out, static_cast<std::uint32_t>(v));
}

void
WireWriter::u16(std::uint16_t v)
{
  put_le(m_out, v);
}

void
WireWriter::u64(std::uint64_t v)
{
  put_le(m_out, v);
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
  v = static_cast<std::int32_t>(get_le<std::uint32_t>(m_in.data() + m_pos));
  m_pos += 4;
  return true;
}

bool
WireReader::u16(std::uint16_t& v)
{
  if (remaining() < 2)
    return false;
  v = get_le<std::uint16_t>(m_in.data() + m_pos);
  m_pos += 2;
  return true;
}

bool
WireReader::u64(std::uint64_t& v)
{
  if (remaining() < 8)
    return false;
  v = get_le<std::uint64_t>(m_in.data() + m_pos);
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
  m_announced = get_le<std::uint64_t>(m_in.data() + m_pos);
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
