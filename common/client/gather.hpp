// gather: one request per node in parallel, the replies handed back together in node order.
#pragma once

#include "client/reply.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shoal::client {

// Calls start(i, cb) for i in [0, n) and, once every cb has run, done with the replies in
// order of i. With n == 0, done runs at once.
template <class T>
void
gather(std::size_t n,
       const std::function<void(std::size_t, Callback<T>)>& start,
       std::function<void(std::vector<Reply<T>>)> done)
{
  struct State {
    std::vector<std::optional<Reply<T>>> replies;
    std::size_t remaining = 0;
    std::function<void(std::vector<Reply<T>>)> done;
  };
  auto state = std::make_shared<State>();
  state->replies.resize(n);
  state->remaining = n;
  state->done = std::move(done);
  auto finish = [](State& s) {
    std::vector<Reply<T>> replies;
    replies.reserve(s.replies.size());
    for (auto& r : s.replies)
      replies.push_back(std::move(*r));
    auto fn = std::move(s.done);
    fn(std::move(replies));
  };
  if (n == 0) {
    finish(*state);
    return;
  }
  for (std::size_t i = 0; i < n; ++i)
    start(i, [state, i, finish](Reply<T> reply) {
      state->replies[i].emplace(std::move(reply));
      if (--state->remaining == 0)
        finish(*state);
    });
}

// The first failed reply of replies, or nullptr when all succeeded.
template <class T>
const Reply<T>*
first_failure(const std::vector<Reply<T>>& replies)
{
  for (const auto& r : replies)
    if (!r.ok())
      return &r;
  return nullptr;
}

// The done of gather for one value per node: cb gets the values in node order, or the first
// failure.
template <class T>
std::function<void(std::vector<Reply<T>>)>
collect(Callback<std::vector<T>> cb)
{
  return [cb = std::move(cb)](std::vector<Reply<T>> replies) {
    if (auto* failed = first_failure(replies))
      return cb(forward_error<std::vector<T>>(*failed));
    std::vector<T> all;
    for (auto& r : replies)
      all.push_back(std::move(*r));
    cb(std::move(all));
  };
}

// The done of gather for requests without an answer: cb gets Ok, or the first failure.
inline std::function<void(std::vector<Reply<void>>)>
collect_status(Callback<void> cb)
{
  return [cb = std::move(cb)](std::vector<Reply<void>> replies) {
    if (auto* failed = first_failure(replies))
      return cb(*failed);
    cb({});
  };
}

// The done of gather for lists of names (channels): cb gets their union, sorted, or the first
// failure.
inline std::function<void(std::vector<Reply<std::vector<std::string>>>)>
collect_union(Callback<std::vector<std::string>> cb)
{
  using Names = std::vector<std::string>;
  return [cb = std::move(cb)](std::vector<Reply<Names>> replies) {
    if (auto* failed = first_failure(replies))
      return cb(forward_error<Names>(*failed));
    std::set<std::string> all;
    for (auto& r : replies)
      all.insert(r->begin(), r->end());
    cb(Names(all.begin(), all.end()));
  };
}

} // namespace shoal::client
