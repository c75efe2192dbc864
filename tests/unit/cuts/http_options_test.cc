// The Http CUT's --extra parsing: defaults, every key, and each bad input
// with the message that names it.
#include "http/http_options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace pylogen::cuts {
namespace {

using nlohmann::json;

TEST(HttpOptions, DefaultsAreAGetWithBoundedTimeouts) {
  HttpOptions o = ParseHttpOptions(json{{"url", "http://127.0.0.1:1/x"}});
  EXPECT_EQ(o.url, "http://127.0.0.1:1/x");
  EXPECT_EQ(o.method, "GET");
  EXPECT_EQ(o.name, "GET");
  EXPECT_EQ(o.timeout_ms, 10'000);
  EXPECT_EQ(o.connect_timeout_ms, 5'000);
  EXPECT_TRUE(o.verify);
  EXPECT_TRUE(o.warmup);
  EXPECT_TRUE(o.headers.empty());
  EXPECT_FALSE(o.body.has_value());
  EXPECT_FALSE(o.SendsLengthBody());
  EXPECT_EQ(o.engine, HttpEngineChoice::kAuto);
}

TEST(HttpOptions, EngineIsOneOfThree) {
  for (auto [text, engine] :
       {std::pair{"auto", HttpEngineChoice::kAuto}, std::pair{"fast", HttpEngineChoice::kFast},
        std::pair{"curl", HttpEngineChoice::kCurl}}) {
    EXPECT_EQ(ParseHttpOptions(json{{"url", "http://h/"}, {"engine", text}}).engine, engine)
        << text;
  }
}

TEST(HttpOptions, EveryKeyIsRead) {
  HttpOptions o = ParseHttpOptions(json::parse(R"({
    "url": "https://example.test/api", "method": "put", "headers": {"X-A": "1", "Accept": ""},
    "body": "{}", "timeout": 0.25, "connect_timeout": 2, "verify": false, "name": "update",
    "warmup": false})"));
  EXPECT_EQ(o.method, "PUT");
  EXPECT_EQ(o.name, "update");
  ASSERT_EQ(o.headers.size(), 2u);
  EXPECT_EQ(o.body.value(), "{}");
  EXPECT_EQ(o.timeout_ms, 250);
  EXPECT_EQ(o.connect_timeout_ms, 2000);
  EXPECT_FALSE(o.verify);
  EXPECT_FALSE(o.warmup);
  EXPECT_FALSE(o.SendsLengthBody());  // an explicit body wins
}

TEST(HttpOptions, MethodsWithABodySendTheCurrentLengthByDefault) {
  for (const char* method : {"POST", "PUT", "PATCH", "post"}) {
    EXPECT_TRUE(ParseHttpOptions(json{{"url", "http://h/"}, {"method", method}}).SendsLengthBody())
        << method;
  }
  for (const char* method : {"GET", "HEAD", "DELETE", "OPTIONS"}) {
    EXPECT_FALSE(ParseHttpOptions(json{{"url", "http://h/"}, {"method", method}}).SendsLengthBody())
        << method;
  }
}

// What Pylogen's float() and flag habits accept (pylogen/extra.h) works here.
TEST(HttpOptions, NumericStringsAndFlagSpellingsAreAccepted) {
  HttpOptions o = ParseHttpOptions(json::parse(R"({
    "url": "http://h/", "timeout": "1", "connect_timeout": " 0.25 ", "verify": "no",
    "warmup": 0})"));
  EXPECT_EQ(o.timeout_ms, 1000);
  EXPECT_EQ(o.connect_timeout_ms, 250);
  EXPECT_FALSE(o.verify);
  EXPECT_FALSE(o.warmup);
  o = ParseHttpOptions(json::parse(R"({"url": "http://h/", "verify": "ON", "warmup": 1})"));
  EXPECT_TRUE(o.verify);
  EXPECT_TRUE(o.warmup);
}

struct BadCase {
  const char* extra;
  const char* message;
};

class HttpOptionsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(HttpOptionsBad, IsRefusedWithItsKeyNamed) {
  try {
    ParseHttpOptions(json::parse(GetParam().extra));
    FAIL() << "accepted " << GetParam().extra;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().message), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpOptionsBad,
    ::testing::Values(
        BadCase{R"({})", R"(extra.url: must be given)"},
        BadCase{R"([1])", "--extra: expected a JSON object, got [1]"},
        BadCase{R"(null)", R"(extra.url: must be given)"},
        BadCase{R"({"url": 3})", R"(extra.url: expected a string, got 3)"},
        BadCase{R"({"url": "ftp://h/"})",
                R"(extra.url: expected an http:// or https:// URL, got "ftp://h/")"},
        BadCase{R"({"url": "http://h/", "method": "GE T"})",
                R"(extra.method: expected an HTTP method such as GET or POST, got "GE T")"},
        BadCase{R"({"url": "http://h/", "headers": ["X: 1"]})",
                R"(extra.headers: expected an object of "Name": "value" strings, got ["X: 1"])"},
        BadCase{R"({"url": "http://h/", "headers": {"X": 1}})", R"("X" is not one)"},
        BadCase{R"({"url": "http://h/", "headers": {"X Y": "1"}})", R"((got "X Y"))"},
        BadCase{R"({"url": "http://h/", "headers": {"X": "a\r\nB: c"}})", "has a line break"},
        BadCase{R"({"url": "http://h/", "body": 12})", R"(extra.body: expected a string, got 12)"},
        BadCase{R"({"url": "http://h/", "body": "x"})", R"(extra.body: must be left out with GET)"},
        BadCase{R"({"url": "http://h/", "method": "HEAD", "body": "x"})", "left out with HEAD"},
        BadCase{R"({"url": "http://h/", "timeout": 0})",
                R"(extra.timeout: expected a number of seconds in (0, 86400], got 0)"},
        BadCase{R"({"url": "http://h/", "timeout": "1s"})",
                R"(extra.timeout: expected a number, got "1s")"},
        BadCase{R"({"url": "http://h/", "connect_timeout": -1})",
                R"(extra.connect_timeout: expected a number of seconds in (0, 86400], got -1)"},
        BadCase{
            R"({"url": "http://h/", "verify": "nope"})",
            R"(extra.verify: expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got "nope")"},
        BadCase{R"({"url": "http://h/", "warmup": null})", R"(extra.warmup: expected a boolean)"},
        BadCase{R"({"url": "http://h/", "name": ""})",
                R"(extra.name: expected a non-empty string, got "")"},
        BadCase{R"({"url": "http://h/", "sleep": 1})",
                "extra.sleep: unknown key; known keys: body, connect_timeout, engine, headers, method, name, timeout, url, verify, warmup"},
        BadCase{R"({"url": "http://h/", "engin": "fast"})",
                "extra.engin: unknown key (did you mean engine?); known keys: body, connect_timeout, engine, headers, method, name, timeout, url, verify, warmup"},
        BadCase{R"({"url": "http://h/", "timout": 1, "hedaers": {}})",
                "extra.hedaers: unknown key (did you mean headers?), and 1 more unknown key; known keys: body, connect_timeout, engine, headers, method, name, timeout, url, verify, warmup"},
        // The unknown key is named before a missing url.
        BadCase{R"({"ulr": "http://h/"})", "extra.ulr: unknown key (did you mean url?); known keys: body, connect_timeout, engine, headers, method, name, timeout, url, verify, warmup"},
        BadCase{R"({"url": "http://h/", "engine": "libcurl"})",
                R"(extra.engine: expected "auto", "fast" or "curl", got "libcurl")"},
        BadCase{R"({"url": "http://h/", "engine": "Curl"})",
                R"(extra.engine: expected "auto", "fast" or "curl", got "Curl")"},
        BadCase{R"({"url": "http://h/", "engine": 1})",
                R"(extra.engine: expected a string, got 1)"},
        // A key or header name a megabyte long is cut, never echoed whole.
        BadCase{
            R"({"url": "http://h/", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": 1})",
            R"(extra."xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...: unknown key; known keys: )"},
        BadCase{R"({"url": "http://h/", "headers": {"X Y\nZ": "1"}})", R"((got "X Y\nZ"))"}));

}  // namespace
}  // namespace pylogen::cuts
