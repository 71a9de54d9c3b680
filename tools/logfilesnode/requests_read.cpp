// Reads: GetRange and GetRangeFilter (keys compared as numbers, inclusive: the same order as
// the original's comparison of 16-digit hex strings), GetAll and GetAllFilter. Each answers Ok
// and then streams LZO batches of (hex key, value) pairs until an empty array.
#include "node.hpp"
#include "range_stream.hpp"
#include "requests.hpp"
#include "server/request_checks.hpp"
#include "session.hpp"

namespace shoal::logfilesnode {

namespace {

void
start_range(Session& session,
            std::string_view channel,
            std::uint64_t min,
            std::uint64_t max,
            std::string_view filter)
{
  const Options& opts = session.node().options();
  RangeStream::Query q;
  q.channel_dir = opts.data_dir + "/" + std::string(channel);
  q.min = min;
  q.max = max;
  q.filter = filter;
  q.batch_size = opts.batch_size;
  q.max_value = opts.max_value;
  session.start_stream(std::make_unique<RangeStream>(session, std::move(q)));
}

} // namespace

void
handle_get_range(Session& session, const proto::Request& request)
{
  std::uint64_t min = 0, max = 0;
  auto status = server::check_channel_key(request.channel, request.key, min);
  if (status == proto::StatusCode::ok)
    status = server::check_key(request.key_max, max);
  session.reply_status(status);
  if (status != proto::StatusCode::ok)
    return;
  bool filtered = request.command == proto::Command::get_range_filter;
  start_range(session, request.channel, min, max, filtered ? request.value : std::string_view{});
}

void
handle_get_all(Session& session, const proto::Request& request)
{
  auto status = server::check_channel(request.channel);
  session.reply_status(status);
  if (status != proto::StatusCode::ok)
    return;
  bool filtered = request.command == proto::Command::get_all_filter;
  start_range(session, request.channel, 0, ~std::uint64_t{0},
              filtered ? request.value : std::string_view{});
}

} // namespace shoal::logfilesnode
