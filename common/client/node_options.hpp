// Options of a connection to one DHT node: timeouts, the pipelining window, limits on what a
// node may send, and the optional authentication identity.
#pragma once

#include "crypto/credentials.hpp"

#include "core/result.hpp"
#include "proto/response.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace shoal::client {

// The name and key a client authenticates with (proto/auth.hpp).
struct AuthIdentity {
  std::string name;
  crypto::Key key{};
};

// How a NodeClient talks to its node.
struct NodeClientOptions {
  // Longest silence tolerated while single requests are outstanding (also bounds connecting
  // and authenticating); 0 waits forever.
  std::uint64_t request_timeout_ms = 30'000;
  // Longest silence tolerated inside a GetAll* stream; Listen streams never time out.
  std::uint64_t stream_timeout_ms = 30'000;
  // Requests on the wire at once on the shared connection; later ones wait locally.
  std::size_t max_in_flight = 256;
  // Request bytes queued in the socket at once; more waits locally until they drain.
  std::size_t max_unsent_bytes = 1 << 20;
  // Largest uncompressed record batch accepted from a node.
  std::size_t max_batch_raw = 16 << 20;
  // Bounds on single arrays (values) and channel lists in responses.
  proto::ReadLimits limits;
  // Authenticate right after connecting when set.
  std::optional<AuthIdentity> auth;
};

// The identity of --credentials-name NAME --credentials-key-file FILE (FILE holds 256 hex digits,
// or name:key lines as in a node's credentials file): nullopt when both are empty; Errc::usage
// when only one is given or NAME is invalid, Errc::io when FILE cannot be read, Errc::config
// when it holds no usable key for NAME.
core::Result<std::optional<AuthIdentity>> load_auth_identity(const std::string& name,
                                                             const std::string& key_file);

} // namespace shoal::client
