// Error and Result<T>: the value-or-error type every I/O path in shoal returns.
// C++20 has no std::expected; this is the small subset shoal needs.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace shoal::core {

// What went wrong, coarse enough to pick an exit code or a protocol status from.
enum class Errc {
  io,          // a system call failed (errno in the message)
  bad_data,    // input does not follow its format (file, frame, record)
  not_found,   // the thing asked for does not exist
  closed,      // the peer closed the connection
  timeout,     // a deadline passed
  protocol,    // the peer broke the protocol (bad status, unexpected reply)
  usage,       // the caller asked for something meaningless
  config,      // a configuration value is invalid
  unavailable, // a service could not be reached
};

// An error: its class and a human-readable message naming what failed and where.
struct Error {
  Errc code = Errc::io;
  std::string message;
};

// Builds an Error from a class and message.
inline Error
make_error(Errc code, std::string message)
{
  return Error{code, std::move(message)};
}

// Builds an io Error whose message ends with strerror(errno_value).
Error sys_error(std::string what, int errno_value);

// Maps an error class to the <sysexits.h> code a CLI exits with.
int exit_code(Errc code);

// A value of type T or an Error. Accessing the wrong alternative is a bug (asserts).
template <class T> class [[nodiscard]] Result
{
public:
  Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() &
  {
    assert(ok());
    return std::get<0>(m_v);
  }
  const T& value() const&
  {
    assert(ok());
    return std::get<0>(m_v);
  }
  T&& value() &&
  {
    assert(ok());
    return std::get<0>(std::move(m_v));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const
  {
    assert(!ok());
    return std::get<1>(m_v);
  }
  Error&& take_error()
  {
    assert(!ok());
    return std::get<1>(std::move(m_v));
  }

private:
  std::variant<T, Error> m_v;
};

// Result<void>: success or an Error.
template <> class [[nodiscard]] Result<void>
{
public:
  Result() = default;
  Result(Error error) : m_error(std::move(error)), m_ok(false) {}

  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const
  {
    assert(!m_ok);
    return m_error;
  }
  Error&& take_error()
  {
    assert(!m_ok);
    return std::move(m_error);
  }

private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

} // namespace shoal::core

// Evaluates a Result expression and returns its error from the enclosing function if it failed.
#define SHOAL_TRY(expr)                                                                            \
  do {                                                                                             \
    if (auto shoal_try_r_ = (expr); !shoal_try_r_.ok())                                            \
      return shoal_try_r_.take_error();                                                            \
  } while (false)
