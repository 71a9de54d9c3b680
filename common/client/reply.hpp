// Reply<T>: the outcome of one request to a DHT node: a core::Result<T> that also keeps the
// status code the node answered with, so that callers can tell WrongNode from a lost link.
#pragma once

#include "core/result.hpp"
#include "proto/codes.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

namespace shoal::client {

// A value, or an Error plus the node's status code (undefined when the node never answered).
template <class T> class Reply : public core::Result<T>
{
public:
  // A success: the node answered Ok with value.
  Reply(T value) : core::Result<T>(std::move(value)) {}
  // A failure; status is the node's non-Ok answer, or undefined for transport errors.
  Reply(core::Error error, proto::StatusCode status = proto::StatusCode::undefined)
      : core::Result<T>(std::move(error)), m_status(status)
  {
  }

  // Ok on success, else the node's answer (undefined when it did not answer).
  proto::StatusCode status() const { return this->ok() ? proto::StatusCode::ok : m_status; }

private:
  proto::StatusCode m_status = proto::StatusCode::undefined;
};

// Reply<void>: success, or an Error plus the node's status code.
template <> class Reply<void> : public core::Status
{
public:
  // A success.
  Reply() = default;
  // A failure; status as in Reply<T>.
  Reply(core::Error error, proto::StatusCode status = proto::StatusCode::undefined)
      : core::Status(std::move(error)), m_status(status)
  {
  }

  // Ok on success, else the node's answer (undefined when it did not answer).
  proto::StatusCode status() const { return ok() ? proto::StatusCode::ok : m_status; }

private:
  proto::StatusCode m_status = proto::StatusCode::undefined;
};

// Copies the error (and status) of a failed reply into a reply of another type.
template <class To, class From>
Reply<To>
forward_error(const Reply<From>& failed)
{
  return Reply<To>(failed.error(), failed.status());
}

// Receives the outcome of a single request.
template <class T> using Callback = std::function<void(Reply<T>)>;

// Receives one record of a GetAll* stream; the value view lives until the callback returns
// (GetAllKeys passes empty values).
using RecordCallback = std::function<void(std::uint64_t key, std::string_view value)>;

// Receives one Listen update: the key and its new value, or nullopt when it was removed.
using ListenCallback =
    std::function<void(std::uint64_t key, std::optional<std::string_view> value)>;

// Receives the end of a stream: Ok when the node ended it, or why it failed.
using DoneCallback = std::function<void(Reply<void>)>;

// Names a running stream so that it can be cancelled; 0 is never used.
using StreamId = std::uint64_t;

// Wraps cb so that only the first call, by whichever copy, gets through (a stream's end can
// come from the nodes, a signal or a failed write).
template <class T>
Callback<T>
once(Callback<T> cb)
{
  auto shared = std::make_shared<Callback<T>>(std::move(cb));
  return [shared](Reply<T> reply) {
    if (*shared)
      std::exchange(*shared, nullptr)(std::move(reply));
  };
}

} // namespace shoal::client
