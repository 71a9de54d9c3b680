// Journal header and entry encoding, and the reader used by recovery.
#include "journal_format.hpp"

#include "core/bytes.hpp"
#include "core/crc32c.hpp"
#include "store/file_io.hpp"

#include <fcntl.h>
#include <sys/mman.h>

#include <cerrno>
#include <utility>

namespace shoal::queuenode {

using core::append_le;
using core::crc32c;
using core::load_le;
using core::store_le;
using store::damaged;
using store::open_file;

namespace {
constexpr std::string_view magic = "SHOALQJL";
}

std::string
encode_journal_header(std::uint64_t generation, std::uint64_t first_seq)
{
  std::string out(magic);
  append_le<std::uint32_t>(out, journal_version);
  append_le<std::uint32_t>(out, 0);
  append_le<std::uint64_t>(out, generation);
  append_le<std::uint64_t>(out, first_seq);
  append_le<std::uint32_t>(out, 0);
  append_le<std::uint32_t>(out, crc32c(out));
  return out;
}

void
encode_entry_prefix(char out[13], EntryType type, std::uint32_t queue, std::string_view data)
{
  auto size = static_cast<std::uint32_t>(journal_body_prefix + data.size());
  store_le<std::uint32_t>(out + 4, size);
  out[8] = static_cast<char>(type);
  store_le<std::uint32_t>(out + 9, queue);
  store_le<std::uint32_t>(out, crc32c(data, crc32c(std::string_view(out + 4, 9))));
}

core::Result<JournalReader>
JournalReader::open(const std::string& path)
{
  auto fd = open_file(path, O_RDONLY);
  if (!fd)
    return fd.take_error();
  auto size = store::file_size(fd->get(), path);
  if (!size)
    return size.take_error();
  if (*size < journal_header_size)
    return JournalReader(path, nullptr, 0);
  void* p = ::mmap(nullptr, *size, PROT_READ, MAP_PRIVATE, fd->get(), 0);
  if (p == MAP_FAILED)
    return core::sys_error("cannot map " + path, errno);
  JournalReader reader(path, static_cast<const char*>(p), *size);
  std::string_view header(reader.m_data, journal_header_size);
  if (header.substr(0, 8) != magic)
    return damaged(path, 0, "not a journal (bad magic)");
  if (load_le<std::uint32_t>(header.data() + 8) != journal_version)
    return damaged(path, 8, "unsupported journal version");
  if (load_le<std::uint32_t>(header.data() + 36) != crc32c(header.substr(0, 36)))
    return damaged(path, 36, "journal header checksum mismatch");
  reader.m_generation = load_le<std::uint64_t>(header.data() + 16);
  reader.m_first_seq = load_le<std::uint64_t>(header.data() + 24);
  reader.m_pos = journal_header_size;
  return reader;
}

JournalReader::JournalReader(JournalReader&& other) noexcept
    : m_path(std::move(other.m_path)), m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)), m_pos(other.m_pos), m_generation(other.m_generation),
      m_first_seq(other.m_first_seq)
{
}

JournalReader::~JournalReader()
{
  if (m_data)
    ::munmap(const_cast<char*>(m_data), m_size);
}

core::Result<bool>
JournalReader::next(JournalEntry& out)
{
  if (m_size - m_pos < journal_entry_header)
    return false;
  const char* p = m_data + m_pos;
  auto size = load_le<std::uint32_t>(p + 4);
  if (size < journal_body_prefix || size > m_size - m_pos - journal_entry_header)
    return false; // cut short (or zeros after the end)
  std::string_view body(p + journal_entry_header, size);
  if (load_le<std::uint32_t>(p) != crc32c(body, crc32c(std::string_view(p + 4, 4))))
    return false;
  auto type = static_cast<EntryType>(body[0]);
  std::string_view data = body.substr(journal_body_prefix);
  bool known = type == EntryType::define || type == EntryType::push || type == EntryType::pop ||
               type == EntryType::clear || type == EntryType::remove;
  if (!known || (type == EntryType::pop && data.size() != 8))
    return damaged(m_path, m_pos, "journal entry of unknown type or size");
  out = {type, load_le<std::uint32_t>(body.data() + 1), data, m_pos};
  m_pos += journal_entry_header + size;
  return true;
}

} // namespace shoal::queuenode
