// drain: takes up to a number of records from a queue with pipelined Pops, which lose nothing
// (a record leaves a node only in the answer to the request that took it), until a Pop finds
// every node empty. consume --count uses it before it opens Consume streams.
#pragma once

#include "client/queue.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace shoal::queue {

// Pops records of channel, at most window requests at once and never more than limit records
// in all, handing each to on_value, until limit records or an empty answer from every node;
// then done gets Ok, or the first failure. queue must outlive the requests.
void drain(client::Queue& queue,
           std::string channel,
           std::uint64_t limit,
           std::function<void(std::string_view)> on_value,
           client::Callback<void> done,
           std::size_t window = 64);

} // namespace shoal::queue
