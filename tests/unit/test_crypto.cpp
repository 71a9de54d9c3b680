// Unit tests for common/crypto: the credentials file and the HMAC-SHA512 auth code.
#include "crypto/credentials.hpp"

#include <catch2/catch.hpp>

#include <cstdio>

using namespace shoal;

namespace {
const std::string zeros(256, '0');
const std::string ones = std::string(254, '0') + "01";
} // namespace

TEST_CASE("crypto::parse_credentials", "[crypto]")
{
  auto creds =
      crypto::parse_credentials("# comment\nadmin:" + zeros + "\n\nreader:" + ones + "\r\n");
  REQUIRE(creds.ok());
  CHECK(creds->size() == 2);
  CHECK(creds->at("reader")[127] == 1);
  CHECK_FALSE(crypto::parse_credentials("admin\n").ok());
  CHECK_FALSE(crypto::parse_credentials("admin:" + zeros.substr(2) + "\n").ok());
  CHECK_FALSE(crypto::parse_credentials("admin:" + zeros + "g\n").ok());
  CHECK_FALSE(crypto::parse_credentials("a b:" + zeros + "\n").ok());
  CHECK_FALSE(crypto::parse_credentials(":" + zeros + "\n").ok());
  CHECK_FALSE(crypto::parse_credentials(std::string(101, 'n') + ":" + zeros + "\n").ok());
  auto dup = crypto::parse_credentials("a:" + zeros + "\na:" + ones + "\n");
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message.find("line 2") != std::string::npos);
}

TEST_CASE("crypto::auth_code is HMAC-SHA512 over the LE timestamp and the nonce", "[crypto]")
{
  // Reference: python3 -c "import hmac,hashlib,struct; print(hmac.new(bytes(128),
  //   struct.pack('<Q',1700000000)+bytes([1,2,3,4]), hashlib.sha512).hexdigest()[:16])"
  crypto::Key key{};
  crypto::Nonce nonce{1, 2, 3, 4};
  auto code = crypto::auth_code(key, 1700000000, nonce);
  char hex[17];
  for (int i = 0; i < 8; ++i)
    std::snprintf(hex + 2 * i, 3, "%02x", code[static_cast<std::size_t>(i)]);
  CHECK(std::string(hex) == "a8d52d1211ec142e");
  CHECK(crypto::codes_equal(code, crypto::auth_code(key, 1700000000, nonce)));
  CHECK_FALSE(crypto::codes_equal(code, crypto::auth_code(key, 1700000001, nonce)));
}
