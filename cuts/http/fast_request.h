// What the Http CUT's fast engine (fast_engine.h) sends, worked out once
// when the engine is made: the URL read by http-parser and checked against
// libcurl's reading of it, the environment's proxies as libcurl applies them,
// and the request head byte for byte as libcurl writes it for the same
// options. Pure but for reading the environment (getenv) in
// ParseFastTarget(); any process, any thread.
#ifndef PYLOGEN_CUTS_HTTP_FAST_REQUEST_H_
#define PYLOGEN_CUTS_HTTP_FAST_REQUEST_H_

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "http/http_options.h"

namespace pylogen::cuts {

struct FastTarget {
  std::string host;         // as getaddrinfo takes it (an IPv6 one without brackets)
  std::string host_header;  // the Host field's value as libcurl writes it: "name", "name:port"
  std::string target;       // the request line's path and query
  std::uint16_t port = 80;
};

// Where the fast engine sends `options`' requests, or why it cannot serve
// them, as the end of a sentence ("https:// needs TLS, which only the curl
// engine does"): https, credentials or a fragment in the URL, a URL
// http-parser rejects or libcurl reads differently (it would rewrite the
// path), an Expect or Transfer-Encoding header (libcurl's framing), a proxy
// from the environment that applies to the host (libcurl reads http_proxy,
// never HTTP_PROXY, then all_proxy, ALL_PROXY; minus no_proxy or NO_PROXY).
std::expected<FastTarget, std::string> ParseFastTarget(const HttpOptions& options);

// The request head libcurl writes for `options` (request line, Host,
// "Accept: */*", the user's headers in order — a user's Host in the place of
// libcurl's, one of libcurl's names replacing libcurl's field, a value of
// blanks only not sent —, Content-Length and the default Content-Type when a
// body of `body_size` bytes is sent, the blank line); `head_only`: the
// warm-up's HEAD for the same options.
std::string BuildFastRequestHead(const HttpOptions& options, std::string_view host_header,
                                 std::string_view target, bool head_only, std::size_t body_size);

// True when the proxy `proxy` (libcurl's choice among the variables) applies
// to `host` given `no_proxy`, as libcurl's Curl_check_noproxy decides: "*",
// host names and their subdomains, IPv4/IPv6 addresses and CIDR ranges.
bool ProxyApplies(std::string_view host, std::string_view proxy, std::string_view no_proxy);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_HTTP_FAST_REQUEST_H_
