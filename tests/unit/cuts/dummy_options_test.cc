// Dummy's and AsyncDummy's --extra keys (cuts/common/dummy_options.h):
// defaults, Pylogen's spellings, and the refusals naming their key.
#include "common/dummy_options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace pylogen::cuts {
namespace {

using nlohmann::json;

TEST(DummyOptions, DefaultsAreOneSecondOneRequestNoErrors) {
  for (const json& extra : {json::object(), json()}) {
    DummyOptions o = ParseDummyOptions(extra);
    EXPECT_EQ(o.sleep_ns, 1'000'000'000);
    EXPECT_FALSE(o.transaction);
    EXPECT_EQ(o.error_every, 0);
  }
}

struct GoodCase {
  const char* extra;
  std::int64_t sleep_ns;
  bool transaction;
  std::int64_t error_every;
};

class DummyOptionsGood : public ::testing::TestWithParam<GoodCase> {};

TEST_P(DummyOptionsGood, IsRead) {
  const GoodCase& c = GetParam();
  DummyOptions o = ParseDummyOptions(json::parse(c.extra));
  EXPECT_EQ(o.sleep_ns, c.sleep_ns) << c.extra;
  EXPECT_EQ(o.transaction, c.transaction) << c.extra;
  EXPECT_EQ(o.error_every, c.error_every) << c.extra;
}

INSTANTIATE_TEST_SUITE_P(
    Spellings, DummyOptionsGood,
    ::testing::Values(GoodCase{R"({"sleep":0})", 0, false, 0},
                      GoodCase{R"({"sleep":0.2})", 200'000'000, false, 0},
                      GoodCase{R"({"sleep":"0.5"})", 500'000'000, false, 0},
                      GoodCase{R"({"sleep":" 1e-3 "})", 1'000'000, false, 0},
                      GoodCase{R"({"sleep":"0"})", 0, false, 0},
                      GoodCase{R"({"sleep":86400})", 86'400'000'000'000, false, 0},
                      // 100 days, the bound of every duration in pylogen.
                      GoodCase{R"({"sleep":8640000})", 8'640'000'000'000'000, false, 0},
                      GoodCase{R"({"sleep":"8640000"})", 8'640'000'000'000'000, false, 0},
                      GoodCase{R"({"sleep":0,"transaction":true})", 0, true, 0},
                      GoodCase{R"({"sleep":0,"transaction":1})", 0, true, 0},
                      GoodCase{R"({"sleep":0,"transaction":"yes"})", 0, true, 0},
                      GoodCase{R"({"sleep":0,"transaction":"True"})", 0, true, 0},
                      GoodCase{R"({"sleep":0,"transaction":false})", 0, false, 0},
                      GoodCase{R"({"sleep":0,"transaction":0})", 0, false, 0},
                      GoodCase{R"({"sleep":0,"transaction":"no"})", 0, false, 0},
                      GoodCase{R"({"sleep":0,"error":3})", 0, false, 3},
                      GoodCase{R"({"sleep":0,"error":"3"})", 0, false, 3},
                      GoodCase{R"({"sleep":0,"error":3.0})", 0, false, 3},
                      GoodCase{R"({"sleep":0,"error":0})", 0, false, 0},
                      GoodCase{R"({"sleep":0,"error":9223372036854775807})", 0, false,
                               9'223'372'036'854'775'807}));

constexpr const char* kSleep = "extra.sleep: expected a number of seconds from 0 to 8640000, got ";
constexpr const char* kError =
    "extra.error: expected a positive integer n (every n-th call fails) or 0 (none), got ";

// A refused number: the message is the key's words, then the value as quoted.
struct BadCase {
  const char* extra;
  const char* quoted;
};

class DummyOptionsBad : public ::testing::TestWithParam<BadCase> {};

// `message` is the value as quoted; the key's words come before it.
TEST_P(DummyOptionsBad, IsRefusedNamingTheKey) {
  const BadCase& c = GetParam();
  std::string prefix =
      std::string(c.extra).find("\"error\"") != std::string::npos ? kError : kSleep;
  try {
    ParseDummyOptions(json::parse(c.extra));
    FAIL() << "accepted " << c.extra;
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(e.what(), prefix + c.quoted);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DummyOptionsBad,
    ::testing::Values(
        BadCase{R"({"sleep":"x"})", R"("x")"}, BadCase{R"({"sleep":-1})", "-1"},
        BadCase{R"({"sleep":"-0.5"})", R"("-0.5")"},
        // It used to overflow the nanoseconds and not sleep at all.
        BadCase{R"({"sleep":1e10})", "10000000000.0"},
        BadCase{R"({"sleep":8640000.5})", "8640000.5"}, BadCase{R"({"sleep":1e300})", "1e+300"},
        BadCase{R"({"sleep":"nan"})", R"("nan")"}, BadCase{R"({"sleep":"inf"})", R"("inf")"},
        BadCase{R"({"sleep":"1e999"})", R"("1e999")"}, BadCase{R"({"sleep":null})", "null"},
        BadCase{R"({"sleep":[1]})", "[1]"}, BadCase{R"({"sleep":0,"error":-0.5})", "-0.5"},
        BadCase{R"({"sleep":0,"error":1e300})", "1e+300"},
        BadCase{R"({"sleep":0,"error":-2})", "-2"}, BadCase{R"({"sleep":0,"error":1.5})", "1.5"},
        BadCase{R"({"sleep":0,"error":"every 3"})", R"("every 3")"},
        BadCase{R"({"sleep":0,"error":"9223372036854775808"})", R"("9223372036854775808")"},
        BadCase{R"({"sleep":0,"error":9223372036854775808})", "9223372036854775808"},
        BadCase{R"({"sleep":0,"error":true})", "true"},
        BadCase{R"({"sleep":0,"error":null})", "null"}));

struct FlagCase {
  const char* extra;
  const char* message;
};

class DummyOptionsBadFlag : public ::testing::TestWithParam<FlagCase> {};

TEST_P(DummyOptionsBadFlag, IsRefusedNamingTheKey) {
  try {
    ParseDummyOptions(json::parse(GetParam().extra));
    FAIL() << "accepted " << GetParam().extra;
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DummyOptionsBadFlag,
    ::testing::Values(
        FlagCase{
            R"({"sleep":0,"transaction":"maybe"})",
            R"(extra.transaction: expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got "maybe")"},
        FlagCase{
            R"({"sleep":0,"transaction":null})",
            R"(extra.transaction: expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got null)"}));


// What ParseDummyOptions throws for `extra_json`, "" when it accepts it.
std::string Refusal(const char* extra_json) {
  try {
    ParseDummyOptions(json::parse(extra_json));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(DummyOptions, AnUnknownKeyIsRefusedNamingItAndTheKnownOnes) {
  EXPECT_EQ(Refusal(R"({"slep":1})"),
            "extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, transaction");
  EXPECT_EQ(Refusal(R"({"sleep":0,"transation":1})"),
            "extra.transation: unknown key (did you mean transaction?); known keys: error, sleep, "
            "transaction");
  EXPECT_EQ(Refusal(R"({"url":"http://h/","method":"GET"})"),
            "extra.method: unknown key, and 1 more unknown key; known keys: error, sleep, transaction");
}

TEST(DummyOptions, TheUnknownKeyComesBeforeABadValue) {
  // The typo is the cause: {"slep":"x"} names slep, not sleep's default.
  EXPECT_EQ(Refusal(R"({"sleep":"x","slep":"x"})"),
            "extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, transaction");
}

TEST(DummyOptions, PylogensAndThisTreesSpellingsStayAccepted) {
  // Pylogen's README ({"sleep":1}), scenarios/, bench/ and the README's runs.
  for (const char* extra : {R"({"sleep":1})", R"({"sleep": 0.05})", R"({"sleep":0})",
                            R"({"sleep":0.01,"transaction":true,"error":4})",
                            R"({"sleep":0.001,"transaction":1})", R"({"sleep":0,"error":2})"}) {
    EXPECT_EQ(Refusal(extra), "") << extra;
  }
}

}  // namespace
}  // namespace pylogen::cuts
