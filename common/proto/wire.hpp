// Little-endian primitives of the legacy swarm protocol (specs/swarm.md §0.2, §5.1):
// int32 codes, u16 ports, u64 counters, 1-byte bools and u64-length-prefixed arrays.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::proto {

// Appends wire fields to a caller-owned buffer; never fails (the buffer grows).
class WireWriter
{
public:
  // Writes append to out, which must outlive the writer.
  explicit WireWriter(std::string& out) : m_out(out) {}

  // Appends a 4-byte little-endian signed integer (command and status codes).
  void i32(std::int32_t v);
  // Appends a 2-byte little-endian unsigned integer (ports).
  void u16(std::uint16_t v);
  // Appends an 8-byte little-endian unsigned integer (lengths, counters, hashes).
  void u64(std::uint64_t v);
  // Appends one byte, 1 for true and 0 for false.
  void boolean(bool v);
  // Appends an array: its u64 length, then its bytes.
  void array(std::string_view bytes);
  // Appends only an array's u64 length; the caller appends exactly len bytes next.
  void array_length(std::uint64_t len) { u64(len); }

private:
  std::string& m_out;
};

// Outcome of WireReader::array.
enum class ArrayStatus {
  ok,        // the whole array was read
  need_more, // the length or the bytes are not all there yet; nothing was consumed
  too_long,  // the announced length exceeds the limit; only the length prefix was consumed
};

// Reads wire fields from the front of a byte view. A read that lacks bytes returns false (or
// need_more) and consumes nothing; no read ever touches bytes past the end of the view.
class WireReader
{
public:
  // Reads from input, which must outlive the views that array() hands out.
  explicit WireReader(std::string_view input) : m_in(input) {}

  // Reads a 4-byte little-endian signed integer; false if fewer than 4 bytes remain.
  bool i32(std::int32_t& v);
  // Reads a 2-byte little-endian unsigned integer; false if fewer than 2 bytes remain.
  bool u16(std::uint16_t& v);
  // Reads an 8-byte little-endian unsigned integer; false if fewer than 8 bytes remain.
  bool u64(std::uint64_t& v);
  // Reads one byte (any non-zero value is true); false if no byte remains.
  bool boolean(bool& v);
  // Reads a u64-length-prefixed array into out (a view into the input). When the announced
  // length exceeds max_len the result is too_long as soon as the prefix is readable, even if
  // the bytes have not arrived: announced() is that length and consumed() is the offset where
  // the array's bytes start, so a server can discard them and keep the stream in sync.
  ArrayStatus array(std::string_view& out, std::uint64_t max_len);

  // The length prefix read by the last array() call that got that far (0 before any).
  std::uint64_t announced() const { return m_announced; }
  // Bytes read from the front of the input so far.
  std::size_t consumed() const { return m_pos; }
  // Bytes not read yet.
  std::size_t remaining() const { return m_in.size() - m_pos; }

private:
  std::string_view m_in;
  std::size_t m_pos = 0;
  std::uint64_t m_announced = 0;
};

} // namespace shoal::proto
