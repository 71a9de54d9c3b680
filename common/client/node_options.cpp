// Loading the authentication identity a client presents (shared by the dht CLI and dhtdump).
#include "client/node_options.hpp"

#include "store/atomic_file.hpp"

#include <cctype>

namespace shoal::client {

namespace {
core::Result<crypto::Key>
load_key(const std::string& name, const std::string& path)
{
  auto text = store::read_file(path, crypto::max_credentials_file);
  if (!text) {
    auto error = text.take_error();
    error.message = "key file: " + error.message;
    if (error.code == core::Errc::not_found)
      error.code = core::Errc::io; // as any other unreadable file
    return error;
  }
  std::string content = std::move(*text);
  if (content.find(':') == std::string::npos) { // a bare key
    while (!content.empty() && std::isspace(static_cast<unsigned char>(content.back())))
      content.pop_back();
    auto key = crypto::parse_key_hex(content);
    if (!key)
      return core::make_error(core::Errc::config, path + ": " + key.error().message);
    return key;
  }
  auto credentials = crypto::parse_credentials(content);
  if (!credentials)
    return core::make_error(core::Errc::config, path + ": " + credentials.error().message);
  auto entry = credentials->find(name);
  if (entry == credentials->end())
    return core::make_error(core::Errc::config, path + ": no key for '" + name + "'");
  return entry->second;
}
} // namespace

core::Result<std::optional<AuthIdentity>>
load_auth_identity(const std::string& name, const std::string& key_file)
{
  if (name.empty() != key_file.empty())
    return core::make_error(core::Errc::usage,
                            "--credentials-name and --credentials-key-file go together");
  if (name.empty())
    return std::optional<AuthIdentity>();
  if (!crypto::valid_name(name))
    return core::make_error(core::Errc::usage, "bad credentials name '" + name + "'");
  auto key = load_key(name, key_file);
  if (!key)
    return key.take_error();
  return std::optional<AuthIdentity>(AuthIdentity{name, *key});
}

} // namespace shoal::client
