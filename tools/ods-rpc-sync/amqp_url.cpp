// AMQP URL and credentials-file parsing (RabbitMQ's URI spec, the parts librabbitmq uses).
#include "amqp_url.hpp"

#include "core/hex.hpp"
#include "store/atomic_file.hpp"

#include <cctype>
#include <charconv>

namespace shoal::odsrpcsync {

namespace {

core::Error
bad_url(std::string what)
{
  return core::make_error(core::Errc::config, "AMQP URL: " + std::move(what));
}

// Decodes %XX escapes; false on a malformed one.
bool
percent_decode(std::string_view in, std::string& out)
{
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    int hi = core::hex_digit_value(in[i + 1]), lo = core::hex_digit_value(in[i + 2]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

std::string
percent_encode(std::string_view in)
{
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

bool
starts_with_nocase(std::string_view text, std::string_view prefix)
{
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
      return false;
  return true;
}

// "user[:password]" (already split off at '@').
core::Status
parse_userinfo(std::string_view info, AmqpUrl& url)
{
  auto colon = info.find(':');
  std::string_view user = info.substr(0, colon);
  if (!percent_decode(user, url.user) || url.user.empty())
    return bad_url("bad or empty user name");
  url.password.clear();
  if (colon != std::string_view::npos && !percent_decode(info.substr(colon + 1), url.password))
    return bad_url("bad %-escape in the password");
  return {};
}

core::Status
parse_port(std::string_view text, AmqpUrl& url)
{
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > 65535)
    return bad_url("bad port \"" + std::string(text.substr(0, 20)) + "\"");
  url.port = static_cast<std::uint16_t>(value);
  return {};
}

// "host", "host:port", "[v6]" or "[v6]:port".
core::Status
parse_hostport(std::string_view text, AmqpUrl& url)
{
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close == 1)
      return bad_url("bad [IPv6] host");
    url.host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
  } else {
    auto colon = text.find(':');
    url.host = std::string(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (url.host.empty())
    return bad_url("no host");
  if (url.host.find_first_of("%@/?#[] ") != std::string::npos)
    return bad_url("bad host name");
  if (rest.empty())
    return {};
  if (rest.front() != ':')
    return bad_url("junk after the host");
  return parse_port(rest.substr(1), url);
}

} // namespace

core::Result<AmqpUrl>
parse_amqp_url(std::string_view text)
{
  AmqpUrl url;
  if (starts_with_nocase(text, "amqps://")) {
    url.tls = true;
    url.port = 5671;
    text.remove_prefix(8);
  } else if (starts_with_nocase(text, "amqp://")) {
    text.remove_prefix(7);
  } else {
    return bad_url("must start with amqp:// or amqps://");
  }
  if (text.find_first_of("?#") != std::string_view::npos)
    return bad_url("query strings and fragments are not supported (use the options)");
  auto slash = text.find('/');
  std::string_view authority = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : text.substr(slash + 1);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    SHOAL_TRY(parse_userinfo(authority.substr(0, at), url));
    authority.remove_prefix(at + 1);
  }
  SHOAL_TRY(parse_hostport(authority, url));
  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos)
      return bad_url("a '/' in the vhost must be written %2F");
    if (!percent_decode(path, url.vhost))
      return bad_url("bad %-escape in the vhost");
  }
  return url;
}

std::string
describe_amqp_url(const AmqpUrl& url)
{
  bool v6 = url.host.find(':') != std::string::npos;
  std::string out = url.tls ? "amqps://" : "amqp://";
  out.append(v6 ? "[" : "").append(url.host).append(v6 ? "]" : "");
  out.append(":").append(std::to_string(url.port)).append("/");
  if (url.vhost != "/")
    out.append(percent_encode(url.vhost));
  return out;
}

core::Result<AmqpCredentials>
parse_amqp_credentials(std::string_view text)
{
  if (text.ends_with('\n'))
    text.remove_suffix(1);
  if (text.ends_with('\r'))
    text.remove_suffix(1);
  if (text.find_first_of("\r\n") != std::string_view::npos)
    return core::make_error(core::Errc::config, "more than one line (expected user:password)");
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return core::make_error(core::Errc::config, "expected one line user:password");
  return AmqpCredentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

core::Result<AmqpCredentials>
read_amqp_credentials(const std::string& path)
{
  auto text = store::read_file(path, max_credentials_file);
  if (!text)
    return core::make_error(core::Errc::config, "AMQP credentials file: " + text.error().message);
  auto creds = parse_amqp_credentials(*text);
  if (!creds)
    return core::make_error(core::Errc::config,
                            "AMQP credentials file " + path + ": " + creds.error().message);
  return creds;
}

} // namespace shoal::odsrpcsync
