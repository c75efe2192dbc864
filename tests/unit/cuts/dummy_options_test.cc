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
                      GoodCase{R"({"sleep":0,"error":0})", 0, false, 0}));

struct BadCase {
  const char* extra;
  const char* message;  // the whole message
};

class DummyOptionsBad : public ::testing::TestWithParam<BadCase> {};

TEST_P(DummyOptionsBad, IsRefusedNamingTheKey) {
  try {
    ParseDummyOptions(json::parse(GetParam().extra));
    FAIL() << "accepted " << GetParam().extra;
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), GetParam().message);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DummyOptionsBad,
    ::testing::Values(
        BadCase{R"({"sleep":"x"})", R"(--extra "sleep": expected a number, got "x")"},
        BadCase{R"({"sleep":-1})",
                R"(--extra "sleep": expected a number of seconds from 0 to 86400, got -1)"},
        BadCase{R"({"sleep":"-0.5"})",
                R"(--extra "sleep": expected a number of seconds from 0 to 86400, got "-0.5")"},
        BadCase{R"({"sleep":1e300})",
                R"(--extra "sleep": expected a number of seconds from 0 to 86400, got 1e+300)"},
        BadCase{R"({"sleep":null})", R"(--extra "sleep": expected a number, got null)"},
        BadCase{
            R"({"sleep":0,"transaction":"maybe"})",
            R"(--extra "transaction": expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got "maybe")"},
        BadCase{
            R"({"sleep":0,"transaction":null})",
            R"(--extra "transaction": expected a boolean (true/false, 1/0, "yes"/"no", "on"/"off"), got null)"},
        BadCase{
            R"({"sleep":0,"error":-2})",
            R"(--extra "error": expected an integer >= 0 (every n-th call fails; 0: none), got -2)"},
        BadCase{R"({"sleep":0,"error":1.5})", R"(--extra "error": expected an integer, got 1.5)"},
        BadCase{R"({"sleep":0,"error":"every 3"})",
                R"(--extra "error": expected an integer, got "every 3")"}));

}  // namespace
}  // namespace pylogen::cuts
