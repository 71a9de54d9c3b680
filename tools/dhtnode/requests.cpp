// The command table and the checks shared by the handlers.
#include "requests.hpp"

#include "checks.hpp"
#include "session.hpp"

#include <array>

namespace shoal::dhtnode {

namespace {
using Handler = void (*)(Session&, const proto::Request&);

struct Entry {
  proto::Command command;
  Handler handler;
};

constexpr std::array table{
    Entry{proto::Command::put, handle_put},
    Entry{proto::Command::get, handle_get},
    Entry{proto::Command::exists, handle_exists},
    Entry{proto::Command::remove, handle_remove},
    Entry{proto::Command::get_channels, handle_get_channels},
    Entry{proto::Command::get_channel_size, handle_get_channel_size},
    Entry{proto::Command::get_size, handle_get_size},
    Entry{proto::Command::get_responsible_range, handle_get_responsible_range},
    Entry{proto::Command::remove_channel, handle_remove_channel},
    Entry{proto::Command::get_num_connections, handle_get_num_connections},
    Entry{proto::Command::get_version, handle_get_version},
    Entry{proto::Command::listen, handle_listen},
    Entry{proto::Command::get_all, handle_get_all},
    Entry{proto::Command::get_all_keys, handle_get_all},
    Entry{proto::Command::get_all_filter, handle_get_all},
    Entry{proto::Command::redistribute, handle_redistribute},
    Entry{proto::Command::put_batch, handle_put_batch},
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
  // A request of the log nodes (GetRange, PutDup, ...): the original closed the connection.
  session.reply_status(proto::StatusCode::not_supported);
}

proto::StatusCode
oversize_status(Session& session, const proto::Request& request)
{
  bool put = request.command == proto::Command::put;
  std::uint64_t key = 0;
  auto status =
      put ? check_channel_key(request.channel, request.key, key) : check_channel(request.channel);
  if (status == proto::StatusCode::ok && put)
    status = check_range(session, key);
  return status == proto::StatusCode::ok ? proto::StatusCode::value_too_big : status;
}

} // namespace shoal::dhtnode
