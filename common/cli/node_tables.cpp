// The per-node tables.
#include "cli/node_tables.hpp"

#include <cstdint>

namespace shoal::cli {

void
print_lines(Output& out, const std::vector<std::string>& lines)
{
  for (const auto& line : lines) {
    out.buffer() += line;
    out.write("\n");
  }
}

void
print_sizes(Output& out,
            const std::vector<std::string>& nodes,
            const std::vector<client::NodeSize>& sizes)
{
  std::uint64_t records = 0, bytes = 0;
  auto line = [&out](const std::string& name, std::uint64_t r, std::uint64_t b) {
    out.write(name + '\t' + std::to_string(r) + '\t' + std::to_string(b) + '\n');
  };
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    line(nodes[i], sizes[i].records, sizes[i].bytes);
    records += sizes[i].records;
    bytes += sizes[i].bytes;
  }
  line("total", records, bytes);
}

void
print_node_lines(Output& out,
                 const std::vector<std::string>& nodes,
                 const std::vector<std::vector<std::string>>& lines)
{
  for (std::size_t i = 0; i < lines.size(); ++i)
    for (const auto& line : lines[i])
      out.write(nodes[i] + '\t' + line + '\n');
}

} // namespace shoal::cli
