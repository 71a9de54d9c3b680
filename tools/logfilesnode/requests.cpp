// The command table and the oversize answer.
#include "requests.hpp"

#include "node.hpp"
#include "server/request_checks.hpp"
#include "session.hpp"

#include <array>

namespace shoal::logfilesnode {

namespace {
using Handler = void (*)(Session&, const proto::Request&);

struct Entry {
  proto::Command command;
  Handler handler;
};

// Put and PutDup are the same on a log node: every record is appended, several per key.
constexpr std::array table{
    Entry{proto::Command::put, handle_put},
    Entry{proto::Command::put_dup, handle_put},
    Entry{proto::Command::log_put_batch, handle_put_batch},
    Entry{proto::Command::get_range, handle_get_range},
    Entry{proto::Command::get_range_filter, handle_get_range},
    Entry{proto::Command::get_all, handle_get_all},
    Entry{proto::Command::get_all_filter, handle_get_all},
    Entry{proto::Command::get_channels, handle_get_channels},
    Entry{proto::Command::get_channel_size, handle_get_channel_size},
    Entry{proto::Command::get_size, handle_get_size},
    Entry{proto::Command::get_responsible_range, handle_get_responsible_range},
    Entry{proto::Command::remove_channel, handle_remove_channel},
    Entry{proto::Command::get_num_connections, handle_get_num_connections},
    Entry{proto::Command::get_version, handle_get_version},
    Entry{proto::Command::get_stats, handle_get_stats},
};
} // namespace

void
dispatch(Session& session, const proto::Request& request)
{
  for (const Entry& entry : table) {
    if (entry.command == request.command) {
      entry.handler(session, request);
      return;
    }
  }
  // A request of the DHT (Get, Listen, Remove, ...): the original closed the connection.
  session.reply_status(proto::StatusCode::not_supported);
}

proto::StatusCode
oversize_status(const proto::Request& request)
{
  bool keyed = request.command == proto::Command::put || request.command == proto::Command::put_dup;
  std::uint64_t key = 0;
  auto status = keyed ? server::check_channel_key(request.channel, request.key, key)
                      : server::check_channel(request.channel);
  return status == proto::StatusCode::ok ? proto::StatusCode::value_too_big : status;
}

} // namespace shoal::logfilesnode
