#include "http/http_options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace pylogen::cuts {
namespace {

constexpr std::string_view kKnownKeys[] = {"url",     "method", "headers",         "body",  "name",
                                           "timeout", "verify", "connect_timeout", "warmup"};

[[noreturn]] void Bad(std::string_view key, std::string_view expected) {
  throw std::invalid_argument("--extra \"" + std::string(key) + "\" must be " +
                              std::string(expected));
}

std::string StringKey(const nlohmann::json& extra, std::string_view key) {
  const auto& value = extra.at(std::string(key));
  if (!value.is_string()) Bad(key, "a string");
  return value.get<std::string>();
}

std::int64_t SecondsKey(const nlohmann::json& extra, std::string_view key,
                        std::int64_t fallback_ms) {
  if (!extra.contains(key)) return fallback_ms;
  const auto& value = extra.at(std::string(key));
  double seconds = value.is_number() ? value.get<double>() : -1;
  // libcurl takes milliseconds in a long; a day is more than any request needs.
  if (!(seconds > 0 && seconds <= 86'400)) Bad(key, "a number of seconds in (0, 86400]");
  return std::max<std::int64_t>(1, std::llround(seconds * 1000));
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

void CheckUrl(const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    Bad("url", "an http:// or https:// URL (got '" + url + "')");
  }
}

std::vector<std::pair<std::string, std::string>> Headers(const nlohmann::json& extra) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!extra.contains("headers")) return headers;
  const auto& object = extra.at("headers");
  if (!object.is_object()) Bad("headers", "an object of \"Name\": \"value\" strings");
  for (const auto& [name, value] : object.items()) {
    if (!IsToken(name))
      Bad("headers", "an object whose names are header names (got '" + name + "')");
    if (!value.is_string()) Bad("headers", "an object of strings (\"" + name + "\" is not one)");
    const auto& text = value.get_ref<const std::string&>();
    if (text.find_first_of("\r\n") != std::string::npos) {
      Bad("headers", "an object of one-line values (\"" + name + "\" has a line break)");
    }
    headers.emplace_back(name, text);
  }
  return headers;
}

}  // namespace

bool HttpOptions::SendsLengthBody() const {
  return !body && (method == "POST" || method == "PUT" || method == "PATCH");
}

HttpOptions ParseHttpOptions(const nlohmann::json& extra) {
  if (!extra.is_object()) throw std::invalid_argument("--extra must be a JSON object");
  for (const auto& [key, value] : extra.items()) {
    if (std::find(std::begin(kKnownKeys), std::end(kKnownKeys), key) == std::end(kKnownKeys)) {
      throw std::invalid_argument("unknown --extra key \"" + key +
                                  "\" (known: url, method, headers, body, timeout, "
                                  "connect_timeout, verify, warmup, name)");
    }
  }
  HttpOptions options;
  if (!extra.contains("url"))
    Bad("url", "given: the URL to call, e.g. {\"url\":\"http://127.0.0.1:8080/\"}");
  options.url = StringKey(extra, "url");
  CheckUrl(options.url);
  if (extra.contains("method")) {
    options.method = StringKey(extra, "method");
    std::transform(options.method.begin(), options.method.end(), options.method.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    if (!IsToken(options.method)) Bad("method", "an HTTP method such as GET or POST");
  }
  options.headers = Headers(extra);
  if (extra.contains("body")) {
    options.body = StringKey(extra, "body");
    if (options.method == "GET" || options.method == "HEAD") {
      Bad("body", "left out with " + options.method + ", which sends no body");
    }
  }
  options.timeout_ms = SecondsKey(extra, "timeout", options.timeout_ms);
  options.connect_timeout_ms = SecondsKey(extra, "connect_timeout", options.connect_timeout_ms);
  for (auto [key, flag] :
       {std::pair{"verify", &options.verify}, std::pair{"warmup", &options.warmup}}) {
    if (!extra.contains(key)) continue;
    if (!extra.at(key).is_boolean()) Bad(key, "true or false");
    *flag = extra.at(key).get<bool>();
  }
  options.name = extra.contains("name") ? StringKey(extra, "name") : options.method;
  if (options.name.empty()) Bad("name", "a non-empty string");
  return options;
}

}  // namespace pylogen::cuts
