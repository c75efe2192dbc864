#include "redis/redis_options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>
#include <string_view>

#include "pylogen/extra.h"

namespace pylogen::cuts {
namespace {

constexpr std::string_view kKnownKeys[] = {"host", "port", "command", "timeout", "connect_timeout",
                                           "name"};

std::int64_t SecondsKey(const nlohmann::json& extra, std::string_view key,
                        std::int64_t fallback_ns) {
  if (!ExtraHas(extra, key)) return fallback_ns;
  double seconds = ExtraNumber(extra, key, 0);
  if (!(seconds > 0 && seconds <= 86'400)) {
    throw ExtraError(key, "a number of seconds in (0, 86400]", extra.at(std::string(key)));
  }
  return std::max<std::int64_t>(1'000'000, std::llround(seconds * 1e9));
}

std::vector<std::string> Command(const nlohmann::json& extra) {
  if (!ExtraHas(extra, "command")) return {"PING"};
  const nlohmann::json& words = extra.at("command");
  constexpr const char* kExpected =
      "a non-empty JSON array of strings, e.g. [\"SET\",\"k:{n}\",\"{payload}\"]";
  if (!words.is_array() || words.empty()) throw ExtraError("command", kExpected, words);
  std::vector<std::string> command;
  for (const auto& word : words) {
    if (!word.is_string()) throw ExtraError("command", kExpected, words);
    command.push_back(word.get<std::string>());
  }
  if (command.front().empty()) {
    throw ExtraError("command", "an array whose first word (the command) is not empty", words);
  }
  return command;
}

std::string UpperCased(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

}  // namespace

RedisOptions ParseRedisOptions(const nlohmann::json& extra) {
  ExtraCheckKeys(extra, kKnownKeys);  // and refuses a non-object
  RedisOptions options;
  if (extra.is_null()) {
    options.name = "PING";
    return options;
  }
  options.host = ExtraString(extra, "host", options.host);
  if (options.host.empty()) throw ExtraError("host", "a host name or address", extra.at("host"));
  std::int64_t port = ExtraInteger(extra, "port", options.port);
  if (port < 1 || port > 65535)
    throw ExtraError("port", "a TCP port from 1 to 65535", extra.at("port"));
  options.port = static_cast<int>(port);
  options.command = Command(extra);
  options.timeout_ns = SecondsKey(extra, "timeout", options.timeout_ns);
  options.connect_timeout_ns = SecondsKey(extra, "connect_timeout", options.connect_timeout_ns);
  options.name = ExtraString(extra, "name", UpperCased(options.command.front()));
  if (options.name.empty()) throw ExtraError("name", "a non-empty string", extra.at("name"));
  return options;
}

}  // namespace pylogen::cuts
