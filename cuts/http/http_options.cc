#include "http/http_options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "pylogen/extra.h"

namespace pylogen::cuts {
namespace {

constexpr std::string_view kKnownKeys[] = {"url",    "method",  "headers", "body",
                                           "name",   "timeout", "verify",  "connect_timeout",
                                           "warmup", "engine"};

// A refusal that is not one value of the wrong type or range (those are
// ExtraError's, which quote the value).
[[noreturn]] void Bad(std::string_view key, std::string_view expected) {
  throw std::invalid_argument("extra." + std::string(key) + ": must be " + std::string(expected));
}

std::int64_t SecondsKey(const nlohmann::json& extra, std::string_view key,
                        std::int64_t fallback_ms) {
  if (!ExtraHas(extra, key)) return fallback_ms;
  double seconds = ExtraNumber(extra, key, 0);
  // libcurl takes milliseconds in a long; a day is more than any request needs.
  if (!(seconds > 0 && seconds <= 86'400)) {
    throw ExtraError(key, "a number of seconds in (0, 86400]", extra.at(std::string(key)));
  }
  return std::max<std::int64_t>(1, std::llround(seconds * 1000));
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

void CheckUrl(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw ExtraError("url", "an http:// or https:// URL", url);
  }
}

std::vector<std::pair<std::string, std::string>> Headers(const nlohmann::json& extra) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!extra.contains("headers")) return headers;
  const auto& object = extra.at("headers");
  if (!object.is_object())
    throw ExtraError("headers", "an object of \"Name\": \"value\" strings", object);
  for (const auto& [name, value] : object.items()) {
    if (!IsToken(name))
      Bad("headers",
          "an object whose names are header names (got " + extra_detail::Quote(name) + ")");
    if (!value.is_string()) {
      Bad("headers", "an object of strings (" + extra_detail::Quote(name) + " is not one)");
    }
    const auto& text = value.get_ref<const std::string&>();
    if (text.find_first_of("\r\n") != std::string::npos) {
      Bad("headers",
          "an object of one-line values (" + extra_detail::Quote(name) + " has a line break)");
    }
    headers.emplace_back(name, text);
  }
  return headers;
}

HttpEngineChoice Engine(const nlohmann::json& extra) {
  std::string engine = ExtraString(extra, "engine", "auto");
  if (engine == "auto") return HttpEngineChoice::kAuto;
  if (engine == "fast") return HttpEngineChoice::kFast;
  if (engine == "curl") return HttpEngineChoice::kCurl;
  throw ExtraError("engine", "\"auto\", \"fast\" or \"curl\"", extra.at("engine"));
}

}  // namespace

bool HttpOptions::SendsLengthBody() const {
  return !body && (method == "POST" || method == "PUT" || method == "PATCH");
}

HttpOptions ParseHttpOptions(const nlohmann::json& extra) {
  ExtraCheckKeys(extra, kKnownKeys);
  HttpOptions options;
  if (!ExtraHas(extra, "url"))
    Bad("url", "given: the URL to call, e.g. {\"url\":\"http://127.0.0.1:8080/\"}");
  options.url = ExtraString(extra, "url", "");
  CheckUrl(options.url);
  options.method = ExtraString(extra, "method", options.method);
  std::transform(options.method.begin(), options.method.end(), options.method.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  if (!IsToken(options.method)) {
    throw ExtraError("method", "an HTTP method such as GET or POST", extra.at("method"));
  }
  options.headers = Headers(extra);
  if (extra.contains("body")) {
    options.body = ExtraString(extra, "body", "");
    if (options.method == "GET" || options.method == "HEAD") {
      Bad("body", "left out with " + options.method + ", which sends no body");
    }
  }
  options.timeout_ms = SecondsKey(extra, "timeout", options.timeout_ms);
  options.connect_timeout_ms = SecondsKey(extra, "connect_timeout", options.connect_timeout_ms);
  options.verify = ExtraFlag(extra, "verify", options.verify);
  options.warmup = ExtraFlag(extra, "warmup", options.warmup);
  options.name = ExtraString(extra, "name", options.method);
  if (options.name.empty()) throw ExtraError("name", "a non-empty string", extra.at("name"));
  options.engine = Engine(extra);
  return options;
}

}  // namespace pylogen::cuts
