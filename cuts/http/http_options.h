// The --extra keys of the Http CUT, parsed and checked (pure: no I/O).
//
//   url              required; http:// or https://
//   method           GET (default), HEAD, POST, PUT, PATCH, DELETE, or any
//                    other token, sent as is
//   headers          object {"Name": "value", ...}
//   body             string sent as the body; without it, POST, PUT and
//                    PATCH send a body of the current length (--lengths)
//   timeout          seconds for a whole request (default 10)
//   connect_timeout  seconds to connect (default 5)
//   verify           false: do not verify the TLS peer (default true)
//   warmup           false: no untimed HEAD request in setup() to open the
//                    connection; the first request then pays for it
//   name             the request's name in the records (default: the method)
//   engine           "auto" (default): the fast path where it applies,
//                    libcurl elsewhere; "fast": the fast path, a setup error
//                    on a URL it cannot serve; "curl": libcurl always
//
// Read with pylogen/extra.h: seconds may be numeric strings ("0.5"), the
// flags any ExtraFlag spelling (false, 0, "no", "off"); a string key given a
// number is refused; any other key is refused by pylogen::ExtraCheckKeys,
// naming it, the nearest known key and the known ones.
#ifndef PYLOGEN_CUTS_HTTP_HTTP_OPTIONS_H_
#define PYLOGEN_CUTS_HTTP_HTTP_OPTIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pylogen::cuts {

// Which engine (http_engine.h) serves the requests: extra.engine.
enum class HttpEngineChoice { kAuto, kFast, kCurl };

struct HttpOptions {
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;  // absent: see SendsLengthBody()
  std::int64_t timeout_ms = 10'000;
  std::int64_t connect_timeout_ms = 5'000;
  bool verify = true;
  bool warmup = true;
  std::string name;  // defaults to method
  HttpEngineChoice engine = HttpEngineChoice::kAuto;

  // True when each request carries a body of the current length.
  bool SendsLengthBody() const;
};

// Parses --extra (an object; null is one without "url"). Throws
// std::invalid_argument naming the key and what was expected.
HttpOptions ParseHttpOptions(const nlohmann::json& extra);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_HTTP_HTTP_OPTIONS_H_
