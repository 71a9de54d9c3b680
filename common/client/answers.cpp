// Decoders of Ok responses.
#include "client/answers.hpp"

#include <string_view>

namespace shoal::client {

std::optional<std::string>
decode_value(const proto::Response& r)
{
  if (r.value.empty()) // the legacy protocol's "no record"
    return std::nullopt;
  return std::string(r.value);
}

std::string
decode_version(const proto::Response& r)
{
  return std::string(r.value);
}

std::vector<std::string>
decode_channels(const proto::Response& r)
{
  return {r.channels.begin(), r.channels.end()};
}

NodeSize
decode_size(const proto::Response& r)
{
  return NodeSize{std::string(r.address), r.port, r.records, r.bytes};
}

std::uint64_t
decode_connections(const proto::Response& r)
{
  return r.connections;
}

std::uint64_t
decode_limit(const proto::Response& r)
{
  return r.limit;
}

std::vector<std::string>
decode_stats(const proto::Response& r)
{
  std::vector<std::string> lines;
  std::string_view text = r.value;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty())
      lines.emplace_back(line);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

} // namespace shoal::client
