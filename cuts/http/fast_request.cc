#include "http/fast_request.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <http_parser.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace pylogen::cuts {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// libcurl's ISSPACE.
bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool HasHeader(const HttpOptions& options, std::string_view name) {
  return std::any_of(options.headers.begin(), options.headers.end(),
                     [&](const auto& header) { return EqualsNoCase(header.first, name); });
}

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (!value) return std::nullopt;
  return std::string(value);
}

// libcurl's Curl_cidr4_match / Curl_cidr6_match.
bool CidrMatch(int family, const std::string& address, const std::string& network, unsigned bits) {
  unsigned char a[16], n[16];
  unsigned width = family == AF_INET ? 32 : 128;
  if (bits > width) return false;
  if (inet_pton(family, address.c_str(), a) != 1) return false;
  if (inet_pton(family, network.c_str(), n) != 1) return false;
  if (bits == 0) bits = width;
  unsigned whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a, n, whole) != 0) return false;
  if (rest == 0) return true;
  unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return ((a[whole] ^ n[whole]) & mask) == 0;
}

// libcurl's Curl_check_noproxy (7.88): true when `no_proxy` exempts `host`.
bool NoProxyMatches(std::string_view host, std::string_view no_proxy) {
  if (no_proxy.empty()) return false;
  if (no_proxy == "*") return true;
  std::string name(host);
  if (!name.empty() && name.front() == '[') {
    std::size_t end = name.find(']');
    if (end == std::string::npos) return false;
    name = name.substr(1, end - 1);
  }
  unsigned char scratch[16];
  int family = 0;
  if (inet_pton(AF_INET, name.c_str(), scratch) == 1) {
    family = AF_INET;
  } else if (inet_pton(AF_INET6, name.c_str(), scratch) == 1) {
    family = AF_INET6;
  } else if (!name.empty() && name.back() == '.') {
    name.pop_back();
  }
  std::size_t p = 0;
  while (p < no_proxy.size()) {
    while (p < no_proxy.size() && IsBlank(no_proxy[p])) ++p;
    std::size_t start = p;
    while (p < no_proxy.size() && !IsBlank(no_proxy[p]) && no_proxy[p] != ',') ++p;
    std::string_view token = no_proxy.substr(start, p - start);
    if (!token.empty()) {
      if (family == 0) {
        if (token.back() == '.') token.remove_suffix(1);
        if (!token.empty() && token.front() == '.') token.remove_prefix(1);
        if (token.size() == name.size()) {
          if (EqualsNoCase(token, name)) return true;
        } else if (token.size() < name.size()) {
          if (name[name.size() - token.size() - 1] == '.' &&
              EqualsNoCase(token, std::string_view(name).substr(name.size() - token.size())))
            return true;
        }
      } else {
        std::string check(token);
        unsigned bits = 0;
        if (std::size_t slash = check.find('/'); slash != std::string::npos) {
          bits = static_cast<unsigned>(std::atoi(check.c_str() + slash + 1));
          check.resize(slash);
        }
        if (CidrMatch(family, name, check, bits)) return true;
      }
    }
    while (p < no_proxy.size() && IsBlank(no_proxy[p])) ++p;
    while (p < no_proxy.size() && no_proxy[p] == ',') ++p;
  }
  return false;
}

std::string_view Field(const std::string& url, const http_parser_url& parsed, int field) {
  if (!(parsed.field_set & (1u << field))) return {};
  return std::string_view(url).substr(parsed.field_data[field].off, parsed.field_data[field].len);
}

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

// What libcurl makes of `url` (its URL API, as its transfer code calls it):
// the host name, the request target. Empty when it rejects the URL.
std::optional<std::pair<std::string, std::string>> CurlView(const std::string& url) {
  std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
  if (!handle) return std::nullopt;
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(),
                   CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return std::nullopt;
  auto get = [&](CURLUPart part, unsigned flags) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl_url_get(handle.get(), part, &text, flags) != CURLUE_OK) return std::nullopt;
    std::string value(text);
    curl_free(text);
    return value;
  };
  std::optional<std::string> host = get(CURLUPART_HOST, 0);
  std::optional<std::string> path = get(CURLUPART_PATH, CURLU_URLENCODE);
  if (!host || !path) return std::nullopt;
  std::string target = path->empty() ? "/" : *path;
  if (std::optional<std::string> query = get(CURLUPART_QUERY, 0)) target.append("?").append(*query);
  return std::make_pair(*host, target);
}

std::unexpected<std::string> Refuse(std::string why) { return std::unexpected(std::move(why)); }

std::expected<FastTarget, std::string> ParseUrl(const HttpOptions& options) {
  FastTarget out;
  const std::string& url = options.url;
  http_parser_url parsed;
  http_parser_url_init(&parsed);
  if (http_parser_parse_url(url.data(), url.size(), 0, &parsed) != 0) {
    return Refuse("its URL is not one http-parser reads (the curl engine may)");
  }
  std::string_view schema = Field(url, parsed, UF_SCHEMA);
  if (EqualsNoCase(schema, "https")) {
    return Refuse("https:// needs TLS, which only the curl engine does");
  }
  if (!EqualsNoCase(schema, "http")) {
    return Refuse("the fast engine speaks http:// only");
  }
  if (parsed.field_set & (1u << UF_USERINFO)) {
    return Refuse("credentials in the URL (user:password@) need the curl engine");
  }
  if (parsed.field_set & (1u << UF_FRAGMENT)) {
    return Refuse("a URL with a fragment (#...) needs the curl engine");
  }
  std::string_view host = Field(url, parsed, UF_HOST);
  if (host.empty() || host.find('%') != std::string_view::npos) {
    return Refuse("its host is not one the fast engine reaches (the curl engine may)");
  }
  out.host = std::string(host);
  if (parsed.field_set & (1u << UF_PORT)) out.port = parsed.port;
  std::string_view path = Field(url, parsed, UF_PATH);
  out.target = path.empty() ? "/" : std::string(path);
  if (parsed.field_set & (1u << UF_QUERY))
    out.target.append("?").append(Field(url, parsed, UF_QUERY));

  bool ipv6 = host.find(':') != std::string_view::npos;
  std::string bracketed = ipv6 ? "[" + out.host + "]" : out.host;
  auto curl = CurlView(url);
  if (!curl || curl->first != bracketed || curl->second != out.target) {
    return Refuse("libcurl reads its URL differently (" +
                  (curl ? curl->first + " " + curl->second : std::string("rejected")) +
                  "), so only the curl engine sends it as libcurl does");
  }
  out.host_header = out.port == 80 ? bracketed : bracketed + ":" + std::to_string(out.port);
  return out;
}

std::string ProxyRefusal(const FastTarget& target) {
  // libcurl reads http_proxy (never HTTP_PROXY, for http), then all_proxy,
  // then ALL_PROXY; no_proxy, then NO_PROXY.
  std::optional<std::string> proxy = Env("http_proxy");
  const char* variable = "http_proxy";
  if (!proxy) proxy = Env(variable = "all_proxy");
  if (!proxy) proxy = Env(variable = "ALL_PROXY");
  std::optional<std::string> no_proxy = Env("no_proxy");
  if (!no_proxy) no_proxy = Env("NO_PROXY");
  if (!proxy || !ProxyApplies(target.host, *proxy, no_proxy.value_or(""))) return {};
  return std::string("the proxy in ") + variable + " applies to " + target.host +
         ", and proxies need the curl engine";
}

std::string HeaderRefusal(const HttpOptions& options) {
  for (const auto& [name, value] : options.headers) {
    if (EqualsNoCase(name, "Transfer-Encoding"))
      return "a Transfer-Encoding header needs the curl engine";
    if (EqualsNoCase(name, "Expect") && !value.empty())
      return "an Expect header with a value needs the curl engine";
  }
  return {};
}

}  // namespace

std::string BuildFastRequestHead(const HttpOptions& options, std::string_view host_header,
                                 std::string_view target, bool head_only, std::size_t body_size) {
  const std::string& method = options.method;
  bool sends_body = !head_only && method != "GET" && method != "HEAD" &&
                    (options.body.has_value() || options.SendsLengthBody());
  std::string head;
  head.reserve(256);
  head += head_only ? std::string_view("HEAD") : std::string_view(method);
  head += ' ';
  head += target;
  head += " HTTP/1.1\r\n";
  // libcurl's own fields, each unless the user gave one of that name. A
  // user's Host takes the place of libcurl's, spelled "Host".
  auto host = std::find_if(options.headers.begin(), options.headers.end(),
                           [](const auto& header) { return EqualsNoCase(header.first, "Host"); });
  if (host == options.headers.end()) {
    head.append("Host: ").append(host_header).append("\r\n");
  } else {
    head.append(host->second.empty() ? "Host:" : "Host: ").append(host->second).append("\r\n");
  }
  if (!HasHeader(options, "Accept")) head += "Accept: */*\r\n";
  for (const auto& [name, value] : options.headers) {
    if (EqualsNoCase(name, "Host")) continue;
    // The Http CUT gives libcurl "Name: value", or "Name;" for an empty
    // value, which libcurl sends as "Name:". A value of blanks only is not
    // sent (it still replaces libcurl's field of that name).
    if (name.empty()) continue;
    if (!value.empty() && std::all_of(value.begin(), value.end(), IsSpace)) continue;
    head += name;
    head += value.empty() ? ":" : ": ";
    head += value;
    head += "\r\n";
  }
  if (sends_body) {
    if (!HasHeader(options, "Content-Length"))
      head.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n");
    if (!HasHeader(options, "Content-Type"))
      head += "Content-Type: application/x-www-form-urlencoded\r\n";
  }
  head += "\r\n";
  return head;
}

bool ProxyApplies(std::string_view host, std::string_view proxy, std::string_view no_proxy) {
  return !proxy.empty() && !NoProxyMatches(host, no_proxy);
}

std::expected<FastTarget, std::string> ParseFastTarget(const HttpOptions& options) {
  auto target = ParseUrl(options);
  if (!target) return target;
  if (std::string refusal = HeaderRefusal(options); !refusal.empty()) return Refuse(refusal);
  if (std::string refusal = ProxyRefusal(*target); !refusal.empty()) return Refuse(refusal);
  return target;
}

}  // namespace pylogen::cuts
