// Record layout: "<sent_ns:016x><seq:016x><filler>". The filler repeats a 64-symbol alphabet
// from an offset chosen by seq: cheap to write and to check, and different per record.
#include "record.hpp"

namespace shoal::bench {

namespace {

constexpr std::string_view symbols =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
append_hex(std::uint64_t v, std::string& out)
{
  static constexpr char digits[] = "0123456789abcdef";
  char buf[16];
  for (int i = 15; i >= 0; --i, v >>= 4)
    buf[i] = digits[v & 15];
  out.append(buf, sizeof buf);
}

// Exactly 16 lowercase hex digits, as append_hex writes them.
std::optional<std::uint64_t>
parse_hex(std::string_view text)
{
  std::uint64_t v = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9')
      v = v << 4 | static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      v = v << 4 | static_cast<std::uint64_t>(c - 'a' + 10);
    else
      return std::nullopt;
  }
  return v;
}

char
filler_at(std::uint64_t seq, std::size_t i)
{
  return symbols[(seq * 7 + i) % symbols.size()];
}

} // namespace

void
append_record(const RecordHeader& header, std::size_t size, std::string& out)
{
  append_hex(header.sent_ns, out);
  append_hex(header.seq, out);
  for (std::size_t i = record_header; i < size; ++i)
    out += filler_at(header.seq, i);
}

std::optional<RecordHeader>
check_record(std::string_view record, std::size_t size)
{
  if (record.size() != size || size < record_header)
    return std::nullopt;
  auto sent = parse_hex(record.substr(0, 16));
  auto seq = parse_hex(record.substr(16, 16));
  if (!sent || !seq)
    return std::nullopt;
  for (std::size_t i = record_header; i < size; ++i)
    if (record[i] != filler_at(*seq, i))
      return std::nullopt;
  return RecordHeader{*sent, *seq};
}

} // namespace shoal::bench
