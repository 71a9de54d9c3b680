// Credentials file parsing and the HMAC-SHA512 computations of swarm authentication.
#include "crypto/credentials.hpp"

#include "core/hex.hpp"
#include "core/log.hpp"
#include "store/atomic_file.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <random>

namespace shoal::crypto {

bool
valid_name(std::string_view name)
{
  if (name.empty() || name.size() > max_name)
    return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c >= 0x7f || c == ':')
      return false;
  return true;
}

core::Result<Key>
parse_key_hex(std::string_view hex)
{
  if (hex.size() != 2 * key_bytes)
    return core::make_error(core::Errc::bad_data, "key must be exactly 256 hex digits, got " +
                                                      std::to_string(hex.size()));
  Key key{};
  for (std::size_t i = 0; i < key_bytes; ++i) {
    int hi = core::hex_digit_value(hex[2 * i]), lo = core::hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return core::make_error(core::Errc::bad_data, "key has a non-hex digit");
    key[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return key;
}

core::Result<Credentials>
parse_credentials(std::string_view text)
{
  Credentials result;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line[0] == '#')
      continue;
    auto fail = [&](const std::string& why) {
      return core::make_error(core::Errc::bad_data,
                              "credentials line " + std::to_string(number) + ": " + why);
    };
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail("expected name:key");
    std::string_view name = line.substr(0, colon);
    if (!valid_name(name))
      return fail("name must be 1-100 printable characters without ':'");
    auto key = parse_key_hex(line.substr(colon + 1));
    if (!key)
      return fail(key.error().message);
    if (!result.emplace(std::string(name), *key).second)
      return fail("duplicate name " + std::string(name));
  }
  return result;
}

core::Result<Credentials>
load_credentials(const std::string& path)
{
  auto text = store::read_file(path, max_credentials_file);
  if (!text)
    return text.take_error();
  auto parsed = parse_credentials(*text);
  if (!parsed)
    return core::make_error(parsed.error().code, path + ": " + parsed.error().message);
  return parsed;
}

void
reload_credentials(const std::string& path, Credentials& in_force)
{
  auto loaded = load_credentials(path);
  if (!loaded) {
    core::log_error("credentials not reloaded, the old ones stay in force: {}",
                    loaded.error().message);
    return;
  }
  in_force = std::move(*loaded);
  core::log_info("reloaded {} credentials from {}", in_force.size(), path);
}

Code
auth_code(const Key& key, std::uint64_t timestamp, const Nonce& nonce)
{
  unsigned char message[8 + nonce_bytes];
  for (int i = 0; i < 8; ++i)
    message[i] = static_cast<unsigned char>(timestamp >> (8 * i));
  std::copy(nonce.begin(), nonce.end(), message + 8);
  Code code{};
  unsigned int len = 0;
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), message, sizeof message, code.data(),
       &len);
  return code;
}

bool
codes_equal(const Code& a, const Code& b)
{
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Nonce
make_nonce()
{
  Nonce nonce{};
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    std::random_device device; // the kernel's generator, if OpenSSL's failed to seed
    for (auto& byte : nonce)
      byte = static_cast<unsigned char>(device());
  }
  return nonce;
}

} // namespace shoal::crypto
