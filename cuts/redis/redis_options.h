// The --extra keys of the Redis CUT, parsed and checked (pure: no I/O).
//
//   host             the server's address (default 127.0.0.1)
//   port             its TCP port, 1..65535 (default 6379)
//   command          a non-empty JSON array of strings, the command's words
//                    (default ["PING"]); in each word "{n}" becomes the
//                    operation count and "{payload}" a value of the current
//                    --lengths token's size, e.g. ["SET","k:{n}","{payload}"]
//   timeout          seconds to wait for a reply (default 10)
//   connect_timeout  seconds to connect (default 5)
//   name             the request's name in the records (default: the
//                    command's first word, upper-cased)
//
// Read with pylogen/extra.h: seconds and the port may be numeric strings; a
// string key given a number is refused. Every refusal names extra.KEY; an
// unknown key is refused by pylogen::ExtraCheckKeys, naming the nearest
// known key and the list of the known ones.
#ifndef PYLOGEN_CUTS_REDIS_REDIS_OPTIONS_H_
#define PYLOGEN_CUTS_REDIS_REDIS_OPTIONS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pylogen::cuts {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::vector<std::string> command = {"PING"};
  std::int64_t timeout_ns = 10'000'000'000;
  std::int64_t connect_timeout_ns = 5'000'000'000;
  std::string name;  // defaults to the first word, upper-cased
};

// Parses --extra (an object, or null for all defaults). Throws
// std::invalid_argument naming the key and what was expected.
RedisOptions ParseRedisOptions(const nlohmann::json& extra);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_REDIS_REDIS_OPTIONS_H_
