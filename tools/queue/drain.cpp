// drain: the window of Pops and the end conditions.
#include "drain.hpp"

#include <memory>
#include <optional>
#include <utility>

namespace shoal::queue {

namespace {

struct Drain {
  client::Queue& queue;
  std::string channel;
  std::uint64_t left; // records still wanted, not counting the Pops in flight
  std::size_t window;
  std::size_t in_flight = 0;
  bool empty = false; // a Pop found every node empty
  std::optional<client::Reply<void>> failure;
  std::function<void(std::string_view)> on_value;
  client::Callback<void> done;
};

void
pump(const std::shared_ptr<Drain>& d)
{
  // Never more Pops than records wanted: a Pop that finds a record takes it for good.
  while (!d->empty && !d->failure && d->in_flight < d->window && d->in_flight < d->left) {
    ++d->in_flight;
    d->queue.pop(d->channel, [d](client::Reply<std::optional<std::string>> r) {
      --d->in_flight;
      if (!r && !d->failure)
        d->failure.emplace(client::forward_error<void>(r));
      else if (r && !r->has_value())
        d->empty = true;
      else if (r) {
        --d->left;
        d->on_value(**r);
      }
      bool over = d->empty || d->failure || d->left == 0;
      if (!over)
        return pump(d);
      if (d->in_flight == 0 && d->done)
        std::exchange(d->done, nullptr)(d->failure ? *d->failure : client::Reply<void>());
    });
  }
}

} // namespace

void
drain(client::Queue& queue,
      std::string channel,
      std::uint64_t limit,
      std::function<void(std::string_view)> on_value,
      client::Callback<void> done,
      std::size_t window)
{
  auto d = std::make_shared<Drain>(Drain{queue,
                                         std::move(channel),
                                         limit,
                                         window,
                                         0,
                                         false,
                                         {},
                                         std::move(on_value),
                                         std::move(done)});
  if (limit == 0)
    return std::exchange(d->done, nullptr)({});
  pump(d);
}

} // namespace shoal::queue
