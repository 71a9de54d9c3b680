// Authentication on the legacy port (shoal's use of specs/swarm.md §5.3 items 3-4): when a node
// has a credentials file, every connection starts with this exchange before any request:
//   client -> u64 timestamp (Unix seconds, little endian)
//   node   -> 4-byte nonce
//   client -> name (u64-length array, 1-100 bytes) + 64-byte HMAC-SHA512(key, timestamp ‖ nonce)
//   node   -> 1 byte: 1 accepted (requests follow), 0 refused (the node closes the connection)
// The node refuses unknown names, wrong codes and clocks more than 30 minutes apart.
// Version: this exchange is version 1 of shoal's legacy authentication; a change must keep
// this order of messages or use a new listening option.
#pragma once

#include "crypto/credentials.hpp"

#include "proto/response.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace shoal::proto {

// Largest accepted clock difference between client and node, in seconds (the original's 30 min).
inline constexpr std::uint64_t max_clock_skew = 30 * 60;

// The node's side of the exchange, fed with the connection's input as it arrives.
class AuthServer
{
public:
  enum class Step { need_more, accepted, refused };

  // credentials must outlive the exchange; now is the node's Unix time in seconds.
  AuthServer(const crypto::Credentials& credentials, std::uint64_t now);

  // Consumes what it can of input (reports how much in consumed) and appends the node's
  // messages to out. After accepted or refused, the exchange is over.
  Step feed(std::string_view input, std::size_t& consumed, std::string& out);
  // The authenticated client's name (after accepted).
  const std::string& name() const { return m_name; }
  // Why the client was refused (after refused), for the log.
  const std::string& reason() const { return m_reason; }

private:
  Step refuse(std::string reason, std::string& out);

  const crypto::Credentials& m_credentials;
  std::uint64_t m_now;
  std::uint64_t m_timestamp = 0;
  bool m_have_timestamp = false;
  crypto::Nonce m_nonce{};
  std::string m_name;
  std::string m_reason;
};

// Client side: the first message.
void encode_auth_hello(std::uint64_t timestamp, std::string& out);
// Client side: reads the node's nonce.
ReadResult read_auth_nonce(std::string_view input, crypto::Nonce& nonce);
// Client side: the proof of the key.
void encode_auth_proof(std::string_view name,
                       const crypto::Key& key,
                       std::uint64_t timestamp,
                       const crypto::Nonce& nonce,
                       std::string& out);
// Client side: reads the node's verdict (accepted = true).
ReadResult read_auth_result(std::string_view input, bool& accepted);

} // namespace shoal::proto
