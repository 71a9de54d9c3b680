// Record batches: building and LZO1X-1 compression on the sending side, validation,
// decompression and record iteration on the receiving side (hostile input never overruns).
#include "proto/batch.hpp"

#include "core/hex.hpp"

#include <fmt/format.h>
#include <lzo/lzo1x.h>

#include <cstdio>
#include <cstdlib>

namespace shoal::proto {

namespace {

// lzo_init() checks that the library matches the headers; it must run once before any call.
// A mismatch is an installation fault no request can recover from.
void
ensure_lzo()
{
  static const int rc = lzo_init(); // thread-safe one-time initialisation
  if (rc != LZO_E_OK) {
    std::fputs("shoal: liblzo2 does not match its headers (lzo_init failed)\n", stderr);
    std::abort();
  }
}

core::Error
bad_batch(std::string message)
{
  return core::make_error(core::Errc::bad_data, "compressed batch: " + std::move(message));
}

} // namespace

BatchCompressor::BatchCompressor(bool compress)
    : m_work(new unsigned char[LZO1X_1_MEM_COMPRESS]), m_compress(compress)
{
  ensure_lzo();
}

// The literal-run instruction of LZO1X (see lzo1x_d.ch): at the start of a block, 0 then
// (n - 18) in base-255 "zero bytes add 255, a final non-zero byte adds itself" copies n
// literals; the block ends with the M4 match of distance 0 (0x11 0x00 0x00).
void
lzo_store_literals(std::string_view raw, std::string& out)
{
  std::size_t rest = raw.size() - 18; // >= 1 given lzo_literal_min
  out.push_back('\0');
  for (; rest > 255; rest -= 255)
    out.push_back('\0');
  out.push_back(static_cast<char>(rest));
  out.append(raw);
  out.append("\x11\0\0", 3);
}

void
BatchCompressor::payload(std::string_view raw, std::string& out)
{
  WireWriter(out).u64(raw.size());
  if ((!m_compress || m_store_left > 0) && raw.size() >= lzo_literal_min) {
    if (m_store_left > 0)
      --m_store_left;
    lzo_store_literals(raw, out);
    return;
  }
  std::size_t start = out.size();
  out.resize(start + lzo_compress_bound(raw.size()));
  lzo_uint out_len = 0;
  // lzo1x_1_compress cannot fail given a bound-sized output and its work memory.
  lzo1x_1_compress(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                   reinterpret_cast<unsigned char*>(out.data() + start), &out_len, m_work.get());
  out.resize(start + out_len);
  if (out_len > raw.size() - raw.size() / 8)
    m_store_left = store_after_miss;
}

void
BatchCompressor::array(std::string_view raw, std::string& out)
{
  std::size_t length_at = out.size();
  WireWriter(out).array_length(0); // patched below, once the compressed size is known
  payload(raw, out);
  std::string length;
  WireWriter(length).array_length(out.size() - length_at - 8);
  out.replace(length_at, length.size(), length);
}

BatchBuilder::BatchBuilder(std::size_t batch_size) : m_batch_size(batch_size)
{
  m_raw.reserve(batch_size);
}

bool
BatchBuilder::fits_empty(std::size_t value_len) const
{
  return m_batch_size >= record_size(0) && value_len <= m_batch_size - record_size(0);
}

void
BatchBuilder::append_key(std::uint64_t key)
{
  char hex[core::key_hex_digits];
  core::format_key(key, hex);
  WireWriter(m_raw).array(std::string_view(hex, sizeof hex));
}

bool
BatchBuilder::add(std::uint64_t key, std::string_view value)
{
  // m_raw never exceeds m_batch_size, so the subtraction cannot wrap.
  if (!fits_empty(value.size()) || record_size(value.size()) > m_batch_size - m_raw.size())
    return false;
  append_key(key);
  WireWriter(m_raw).array(value);
  ++m_records;
  return true;
}

bool
BatchBuilder::add_key(std::uint64_t key)
{
  if (key_size() > m_batch_size - m_raw.size())
    return false;
  append_key(key);
  ++m_records;
  return true;
}

void
BatchBuilder::finish(std::string& out)
{
  m_compressor.payload(m_raw, out);
  m_raw.clear();
  m_records = 0;
}

void
BatchBuilder::finish_array(std::string& out)
{
  m_compressor.array(m_raw, out);
  m_raw.clear();
  m_records = 0;
}

void
BatchBuilder::take_raw(std::string& raw)
{
  raw.clear();
  raw.swap(m_raw);
  m_raw.reserve(m_batch_size);
  m_records = 0;
}

core::Status
decompress_batch(std::string_view payload, std::size_t max_raw, std::string& out)
{
  ensure_lzo();
  out.clear();
  WireReader in(payload);
  std::uint64_t raw_len = 0;
  if (!in.u64(raw_len))
    return bad_batch(fmt::format("payload of {} bytes has no 8-byte length", payload.size()));
  if (raw_len > max_raw)
    return bad_batch(fmt::format("announces {} bytes, limit is {}", raw_len, max_raw));
  out.resize(static_cast<std::size_t>(raw_len));
  lzo_uint out_len = out.size();
  std::string_view block = payload.substr(8);
  int rc = lzo1x_decompress_safe(reinterpret_cast<const unsigned char*>(block.data()), block.size(),
                                 reinterpret_cast<unsigned char*>(out.data()), &out_len, nullptr);
  if (rc != LZO_E_OK || out_len != raw_len) {
    out.clear();
    if (rc != LZO_E_OK)
      return bad_batch(fmt::format("corrupt LZO1X block (lzo error {})", rc));
    return bad_batch(fmt::format("decompressed to {} bytes, announced {}", out_len, raw_len));
  }
  return {};
}

core::Result<std::string>
decompress_batch(std::string_view payload, std::size_t max_raw)
{
  std::string out;
  SHOAL_TRY(decompress_batch(payload, max_raw, out));
  return out;
}

bool
BatchReader::next_field(std::string_view& field)
{
  // Within an uncompressed batch every record must be whole: a short one means corruption.
  if (m_in.array(field, UINT64_MAX) == ArrayStatus::ok)
    return true;
  m_failed = true;
  return false;
}

bool
BatchReader::next_pair(std::string_view& key, std::string_view& value)
{
  if (m_failed || at_end())
    return false;
  return next_field(key) && next_field(value);
}

bool
BatchReader::next_key(std::string_view& key)
{
  if (m_failed || at_end())
    return false;
  return next_field(key);
}

} // namespace shoal::proto
