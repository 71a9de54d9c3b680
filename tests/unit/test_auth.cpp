// Unit tests for proto::AuthServer and the client messages of legacy-port authentication.
#include "proto/auth.hpp"

#include <catch2/catch.hpp>

using namespace shoal;

namespace {
crypto::Credentials
creds()
{
  crypto::Key key{};
  key[0] = 7;
  return {{"admin", key}};
}

// Runs the whole exchange, feeding the server one byte at a time.
proto::AuthServer::Step
exchange(const crypto::Credentials& server_creds,
         std::string_view name,
         const crypto::Key& key,
         std::uint64_t client_time,
         std::uint64_t server_time,
         std::string* reason = nullptr)
{
  proto::AuthServer server(server_creds, server_time);
  std::string to_server, to_client;
  proto::encode_auth_hello(client_time, to_server);
  std::string pending;
  std::size_t fed = 0;
  auto pump = [&]() {
    auto step = proto::AuthServer::Step::need_more;
    while (fed < to_server.size() && step == proto::AuthServer::Step::need_more) {
      pending += to_server[fed++];
      std::size_t consumed = 0;
      step = server.feed(pending, consumed, to_client);
      pending.erase(0, consumed);
    }
    return step;
  };
  REQUIRE(pump() == proto::AuthServer::Step::need_more);
  crypto::Nonce nonce{};
  REQUIRE(proto::read_auth_nonce(to_client, nonce).status == proto::ReadStatus::complete);
  proto::encode_auth_proof(name, key, client_time, nonce, to_server);
  auto step = pump();
  bool accepted = false;
  REQUIRE(proto::read_auth_result(std::string_view(to_client).substr(4), accepted).status ==
          proto::ReadStatus::complete);
  CHECK(accepted == (step == proto::AuthServer::Step::accepted));
  if (reason)
    *reason = server.reason();
  return step;
}
} // namespace

TEST_CASE("proto::AuthServer accepts the right key and refuses the rest", "[auth]")
{
  auto c = creds();
  crypto::Key good = c.at("admin");
  crypto::Key bad = good;
  bad[5] ^= 1;
  std::string reason;
  CHECK(exchange(c, "admin", good, 1000000, 1000000) == proto::AuthServer::Step::accepted);
  CHECK(exchange(c, "admin", good, 1000000, 1000000 + 1800) == proto::AuthServer::Step::accepted);
  CHECK(exchange(c, "admin", bad, 1000000, 1000000, &reason) == proto::AuthServer::Step::refused);
  CHECK(reason.find("wrong") != std::string::npos);
  CHECK(exchange(c, "nobody", good, 1000000, 1000000, &reason) == proto::AuthServer::Step::refused);
  CHECK(reason.find("unknown") != std::string::npos);
  CHECK(exchange(c, "admin", good, 1000000, 1000000 + 1801, &reason) ==
        proto::AuthServer::Step::refused);
  CHECK(reason.find("clock") != std::string::npos);
}
