// The Redis CUT's --extra parsing: defaults, every key, and each bad input
// with the message that names extra.KEY.
#include "redis/redis_options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace pylogen::cuts {
namespace {

using nlohmann::json;

std::string Refusal(const json& extra) {
  try {
    ParseRedisOptions(extra);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(RedisOptions, DefaultsArePingOnTheLocalPort) {
  for (const json& extra : {json(), json::object()}) {
    RedisOptions o = ParseRedisOptions(extra);
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.port, 6379);
    EXPECT_EQ(o.command, std::vector<std::string>{"PING"});
    EXPECT_EQ(o.timeout_ns, 10'000'000'000);
    EXPECT_EQ(o.connect_timeout_ns, 5'000'000'000);
    EXPECT_EQ(o.name, "PING");
  }
}

TEST(RedisOptions, EveryKeyIsRead) {
  RedisOptions o = ParseRedisOptions(json::parse(R"({"host":"localhost","port":"7000",
    "command":["set","k:{n}","{payload}"],"timeout":"0.25","connect_timeout":2,"name":"store"})"));
  EXPECT_EQ(o.host, "localhost");
  EXPECT_EQ(o.port, 7000);
  EXPECT_EQ(o.command, (std::vector<std::string>{"set", "k:{n}", "{payload}"}));
  EXPECT_EQ(o.timeout_ns, 250'000'000);
  EXPECT_EQ(o.connect_timeout_ns, 2'000'000'000);
  EXPECT_EQ(o.name, "store");
}

TEST(RedisOptions, TheNameDefaultsToTheFirstWordUpperCased) {
  EXPECT_EQ(ParseRedisOptions(json::parse(R"({"command":["incr","a"]})")).name, "INCR");
  EXPECT_EQ(ParseRedisOptions(json::parse(R"({"command":["Get",""]})")).name, "GET");
}

TEST(RedisOptions, BadInputIsRefusedNamingTheKey) {
  struct Case {
    const char* extra;
    const char* message;
  };
  const Case cases[] = {
      {R"({"hots":"x"})",
       "extra.hots: unknown key (did you mean host?); known keys: command, connect_timeout, host, "
       "name, port, timeout"},
      {R"({"comand":["PING"],"prot":1})",
       "extra.comand: unknown key (did you mean command?), and 1 more unknown key; known keys: "
       "command, connect_timeout, host, name, port, timeout"},
      {R"({"host":""})", "extra.host: expected a host name or address, got \"\""},
      {R"({"host":1})", "extra.host: expected a string, got 1"},
      {R"({"port":0})", "extra.port: expected a TCP port from 1 to 65535, got 0"},
      {R"({"port":65536})", "extra.port: expected a TCP port from 1 to 65535, got 65536"},
      {R"({"port":"http"})", "extra.port: expected an integer, got \"http\""},
      {R"({"command":"PING"})",
       "extra.command: expected a non-empty JSON array of strings, e.g. "
       "[\"SET\",\"k:{n}\",\"{payload}\"], got \"PING\""},
      {R"({"command":[]})",
       "extra.command: expected a non-empty JSON array of strings, e.g. "
       "[\"SET\",\"k:{n}\",\"{payload}\"], got []"},
      {R"({"command":["SET","k",1]})",
       "extra.command: expected a non-empty JSON array of strings, e.g. "
       "[\"SET\",\"k:{n}\",\"{payload}\"], got [\"SET\",\"k\",1]"},
      {R"({"command":["","k"]})",
       "extra.command: expected an array whose first word (the command) is not empty, got "
       "[\"\",\"k\"]"},
      {R"({"timeout":0})", "extra.timeout: expected a number of seconds in (0, 86400], got 0"},
      {R"({"timeout":"soon"})", "extra.timeout: expected a number, got \"soon\""},
      {R"({"connect_timeout":-1})",
       "extra.connect_timeout: expected a number of seconds in (0, 86400], got -1"},
      {R"({"name":""})", "extra.name: expected a non-empty string, got \"\""},
      {R"([1])", "--extra: expected a JSON object, got [1]"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Refusal(json::parse(c.extra)), c.message) << c.extra;
  }
}

}  // namespace
}  // namespace pylogen::cuts
