// Credentials for the swarm HMAC authentication (specs/swarm.md §5.3): a text file of
// `name:hexkey` lines, each key 128 bytes (256 hex digits), HMAC-SHA512 codes over
// a timestamp and a nonce.
#pragma once

#include "core/result.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace shoal::crypto {

inline constexpr std::size_t key_bytes = 128; // 1024-bit keys
inline constexpr std::size_t code_bytes = 64; // HMAC-SHA512
inline constexpr std::size_t nonce_bytes = 4; // 32-bit server nonce
inline constexpr std::size_t max_name = 100;  // name: 1-100 printable ASCII characters
inline constexpr std::size_t max_credentials_file = 10 << 20;

using Key = std::array<unsigned char, key_bytes>;
using Code = std::array<unsigned char, code_bytes>;
using Nonce = std::array<unsigned char, nonce_bytes>;

// Client name -> key.
using Credentials = std::map<std::string, Key, std::less<>>;

// Parses the credentials file text; errors name the line. Empty lines and #-comments are skipped.
core::Result<Credentials> parse_credentials(std::string_view text);
// Reads and parses a credentials file (at most 10 MB).
core::Result<Credentials> load_credentials(const std::string& path);
// SIGHUP: reads path again into in_force, assigned in place (sessions in the middle of
// authenticating refer to it); on failure logs why and keeps the old credentials.
void reload_credentials(const std::string& path, Credentials& in_force);
// Parses one 256-hex-digit key (for clients given a key on the command line or in a file).
core::Result<Key> parse_key_hex(std::string_view hex);

// True if name is 1-100 printable ASCII characters without ':' or spaces.
bool valid_name(std::string_view name);

// HMAC-SHA512 keyed with key over timestamp (8 bytes little endian) followed by the nonce.
Code auth_code(const Key& key, std::uint64_t timestamp, const Nonce& nonce);

// Constant-time comparison of two codes.
bool codes_equal(const Code& a, const Code& b);

// A fresh random nonce (OpenSSL RAND_bytes).
Nonce make_nonce();

} // namespace shoal::crypto
