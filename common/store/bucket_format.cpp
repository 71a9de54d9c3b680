// Bucket headers and records: encoding (current format) and checked decoding (every format).
#include "store/bucket_format.hpp"

#include "core/bytes.hpp"
#include "core/crc32c.hpp"
#include "store/bucket_layout.hpp"

namespace shoal::store {

namespace {

using core::append_le;
using core::load_le;

// The original's parity: XOR of key and len folded to 8 bits (specs/swarm.md §3.3).
std::uint8_t
parity(std::uint64_t key, std::uint64_t len)
{
  std::uint64_t p = key ^ len;
  p ^= p >> 32;
  p ^= p >> 16;
  p ^= p >> 8;
  return static_cast<std::uint8_t>(p);
}

RecordParse
failed(RecordStatus status)
{
  RecordParse r;
  r.status = status;
  return r;
}

} // namespace

std::string_view
format_name(BucketFormat format)
{
  switch (format) {
  case BucketFormat::legacy: return "legacy";
  case BucketFormat::v1: return "v1";
  case BucketFormat::v2: return "v2";
  }
  return "?";
}

std::string_view
record_status_name(RecordStatus status)
{
  switch (status) {
  case RecordStatus::ok: return "ok";
  case RecordStatus::truncated: return "truncated record";
  case RecordStatus::bad_header: return "bad header parity";
  case RecordStatus::bad_checksum: return "bad checksum";
  case RecordStatus::too_big: return "implausible length";
  case RecordStatus::out_of_range: return "key outside the bucket";
  }
  return "?";
}

HeaderCheck
check_bucket_header(std::string_view head, bool whole_file)
{
  HeaderCheck check;
  if (head.size() < bucket_header_size) {
    std::string current;
    append_bucket_header(current);
    bool prefix = whole_file && !head.empty() && current.compare(0, head.size(), head) == 0;
    check.kind = prefix ? HeaderCheck::Kind::torn : HeaderCheck::Kind::ok;
    check.format = prefix ? BucketFormat::v2 : BucketFormat::legacy;
    return check;
  }
  if (head.substr(8, 8) != bucket_magic) {
    check.format = BucketFormat::legacy;
    return check;
  }
  check.version = load_le<std::uint64_t>(head.data());
  if (check.version == 1)
    check.format = BucketFormat::v1;
  else if (check.version == 2)
    check.format = BucketFormat::v2;
  else
    check.kind = HeaderCheck::Kind::unsupported;
  return check;
}

void
append_bucket_header(std::string& out)
{
  append_le<std::uint64_t>(out, bucket_version);
  out += bucket_magic;
}

void
append_record(std::uint64_t key, std::string_view value, std::string& out)
{
  // The header is built apart and appended once: the node's loop encodes every record it
  // takes here.
  char header[record_header_size(BucketFormat::v2)];
  core::store_le<std::uint64_t>(header, key);
  core::store_le<std::uint64_t>(header + 8, value.size());
  header[16] = static_cast<char>(parity(key, value.size()));
  std::uint32_t crc = core::crc32c(value, core::crc32c(std::string_view(header, 17)));
  core::store_le<std::uint32_t>(header + 17, crc);
  out.append(header, sizeof header);
  out += value;
}

void
append_bucket_header_as(BucketFormat format, std::string& out)
{
  if (format == BucketFormat::legacy)
    return;
  append_le<std::uint64_t>(out, format == BucketFormat::v1 ? 1 : 2);
  out += bucket_magic;
}

void
append_record_as(BucketFormat format, std::uint64_t key, std::string_view value, std::string& out)
{
  if (format == BucketFormat::v2) {
    append_record(key, value, out);
    return;
  }
  append_le<std::uint64_t>(out, key);
  append_le<std::uint64_t>(out, value.size());
  if (format == BucketFormat::v1)
    out.push_back(static_cast<char>(parity(key, value.size())));
  out += value;
}

RecordParse
parse_record(BucketFormat format,
             std::string_view in,
             std::uint64_t first_key,
             std::uint64_t max_value)
{
  std::size_t header = record_header_size(format);
  if (in.size() < header)
    return failed(RecordStatus::truncated);
  auto key = load_le<std::uint64_t>(in.data());
  auto len = load_le<std::uint64_t>(in.data() + 8);
  if (format != BucketFormat::legacy && static_cast<std::uint8_t>(in[16]) != parity(key, len))
    return failed(RecordStatus::bad_header);
  if (len > max_value)
    return failed(RecordStatus::too_big);
  RecordParse r;
  r.key = key;
  r.size = header + len;
  if (in.size() < r.size) {
    r.status = RecordStatus::truncated;
    r.size = 0;
    return r;
  }
  if (first_key != any_key && (key < first_key || key - first_key >= keys_per_bucket)) {
    r.status = RecordStatus::out_of_range;
    return r;
  }
  r.value = in.substr(header, len);
  if (format == BucketFormat::v2) {
    std::uint32_t crc = core::crc32c(r.value, core::crc32c(in.substr(0, 17)));
    if (crc != load_le<std::uint32_t>(in.data() + 17)) {
      r.value = {};
      r.status = RecordStatus::bad_checksum;
      return r;
    }
  }
  r.status = RecordStatus::ok;
  return r;
}

} // namespace shoal::store
