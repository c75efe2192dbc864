#include "cli/values.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

// ---- ParseDuration ----

struct DurationCase {
  std::string_view text;
  double seconds;
};

class ParseDurationOkTest : public ::testing::TestWithParam<DurationCase> {};

TEST_P(ParseDurationOkTest, GivesSeconds) {
  const DurationCase& c = GetParam();
  auto result = ParseDuration("--duration", c.text);
  ASSERT_TRUE(result.has_value()) << c.text << ": " << result.error();
  EXPECT_DOUBLE_EQ(*result, c.seconds) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Values, ParseDurationOkTest,
    ::testing::Values(DurationCase{"10", 10}, DurationCase{"0.5", 0.5}, DurationCase{"500ms", 0.5},
                      DurationCase{"250us", 250e-6}, DurationCase{"2m", 120},
                      DurationCase{"1h", 3600}, DurationCase{"1.5s", 1.5}, DurationCase{"0", 0},
                      DurationCase{"30s", 30}, DurationCase{"0ms", 0}, DurationCase{"7ns", 7e-9},
                      DurationCase{"1d", 86400}, DurationCase{"100d", 8'640'000},
                      DurationCase{"8640000", 8'640'000}));

class ParseDurationErrorTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ParseDurationErrorTest, IsRejectedNamingTheOption) {
  const std::string_view text = GetParam();
  auto result = ParseDuration("--pauseloop", text);
  ASSERT_FALSE(result.has_value()) << "'" << text << "' gave " << *result;
  EXPECT_NE(result.error().find("--pauseloop"), std::string::npos) << result.error();
  EXPECT_NE(result.error().find(fmt::format("'{}'", text)), std::string::npos)
      << result.error();
  EXPECT_NE(result.error().find("duration"), std::string::npos) << result.error();
}

INSTANTIATE_TEST_SUITE_P(Garbage, ParseDurationErrorTest,
                         ::testing::Values("", "-1", "abc", "10x", "ms", "nan", "inf", "1 s",
                                           "-0.5s", "s", "1e400", "-0", "-0ms", "+1", " 1", "1 ",
                                           "0x10", "1e308d", "1S", "infs"));

// Every duration option has the same bound, 100 days, named in the error.
TEST(ParseDurationBoundTest, AboveOneHundredDaysIsRefusedNamingTheBound) {
  struct Case {
    std::string_view text;
    std::string_view shown;
  };
  for (Case c : {Case{"1e300", "1e300s"}, Case{"8640000.001", "8640000.001s"}, Case{"101d", "101d"},
                 Case{"2401h", "2401h"}, Case{"1e10", "1e10s"}}) {
    for (std::string_view option :
         {"--duration", "--postpone", "--rampup", "--pauseloop", "--pauselen", "--summary",
          "--grace", "--optimeout", "--controllerDelay", "--generatorDelay", "--workerDelay"}) {
      auto result = ParseDuration(option, c.text);
      ASSERT_FALSE(result.has_value()) << option << " " << c.text;
      EXPECT_EQ(result.error(),
                fmt::format("{}: {} is above the bound of 100 days (8640000s)", option, c.shown));
    }
  }
}

TEST(ParseDurationBoundTest, TheFloorOverloadNamesItsFloor) {
  EXPECT_EQ(ParseDuration("--summary", "1ms", 0.001, "1ms").value_or(-1), 0.001);
  EXPECT_EQ(ParseDuration("--summary", "2", 0.001, "1ms").value_or(-1), 2);
  auto below = ParseDuration("--summary", "1e-10", 0.001, "1ms");
  ASSERT_FALSE(below.has_value());
  EXPECT_EQ(below.error(), "--summary: 1e-10s is below the floor of 1ms");
  auto zero = ParseDuration("--summary", "0", 0.001, "1ms");
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error(), "--summary: 0s is below the floor of 1ms");
  auto above = ParseDuration("--summary", "101d", 0.001, "1ms");
  ASSERT_FALSE(above.has_value());
  EXPECT_NE(above.error().find("above the bound of 100 days"), std::string::npos) << above.error();
  EXPECT_FALSE(ParseDuration("--summary", "x", 0.001, "1ms").has_value());
}

// Echoed values are cut: a megabyte value gives a short, one-line error.
TEST(ValuesExcerptTest, LongValuesAreEchoedCut) {
  const std::string huge(1'000'000, '9');
  std::string bad = huge + "x";
  for (const std::string& error :
       {ParseDuration("--duration", bad).error(), ParseDuration("--duration", huge + "d").error(),
        ParseCount("--loops", bad, 0, 10).error(), ParseList("--lengths", bad + ",,1").error(),
        ParseJsonObject("--extra", "{\"a\":" + bad + "}").error(),
        ParseJsonObject("--extra", "\"" + huge).error()}) {
    EXPECT_LT(error.size(), 500u) << error.substr(0, 300);
    EXPECT_NE(error.find(" bytes)"), std::string::npos) << error.substr(0, 300);
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
}

// ---- ParseCount ----

struct CountCase {
  std::string_view text;
  std::uint64_t min;
  std::uint64_t max;
  std::uint64_t expected;
};

class ParseCountOkTest : public ::testing::TestWithParam<CountCase> {};

TEST_P(ParseCountOkTest, GivesTheInteger) {
  const CountCase& c = GetParam();
  auto result = ParseCount("--loops", c.text, c.min, c.max);
  ASSERT_TRUE(result.has_value()) << c.text << ": " << result.error();
  EXPECT_EQ(*result, c.expected);
}

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

INSTANTIATE_TEST_SUITE_P(
    Values, ParseCountOkTest,
    ::testing::Values(CountCase{"1", 1, 100, 1},           // lower bound is inclusive
                      CountCase{"100", 1, 100, 100},       // upper bound is inclusive
                      CountCase{"0", 0, 5, 0}, CountCase{"42", 0, 1000, 42},
                      CountCase{"18446744073709551615", 0, kMax64, kMax64}));

struct CountErrorCase {
  std::string_view text;
  std::uint64_t min;
  std::uint64_t max;
};

class ParseCountErrorTest : public ::testing::TestWithParam<CountErrorCase> {};

TEST_P(ParseCountErrorTest, IsRejectedNamingOptionAndBounds) {
  const CountErrorCase& c = GetParam();
  auto result = ParseCount("--process", c.text, c.min, c.max);
  ASSERT_FALSE(result.has_value()) << "'" << c.text << "' gave " << *result;
  const std::string& error = result.error();
  EXPECT_NE(error.find("--process"), std::string::npos) << error;
  EXPECT_NE(error.find(fmt::format("'{}'", c.text)), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(c.min)), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(c.max)), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Garbage, ParseCountErrorTest,
    ::testing::Values(CountErrorCase{"-1", 0, 100}, CountErrorCase{"1.5", 0, 100},
                      CountErrorCase{"", 0, 100}, CountErrorCase{"99999999999999999999", 0, kMax64},
                      CountErrorCase{"abc", 0, 100}, CountErrorCase{"12x", 0, 100},
                      CountErrorCase{" 1", 0, 100}, CountErrorCase{"+1", 0, 100},
                      CountErrorCase{"1e3", 0, 10000}, CountErrorCase{"0x10", 0, 100},
                      CountErrorCase{"0", 1, 100},      // below min
                      CountErrorCase{"101", 1, 100}));  // above max

// ---- ParseList ----

TEST(ParseListTest, SingleToken) {
  auto result = ParseList("--lengths", "0");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, std::vector<std::string>{"0"});
}

TEST(ParseListTest, SeveralTokensInOrder) {
  auto result = ParseList("--lengths", "384,512,1024");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, (std::vector<std::string>{"384", "512", "1024"}));
}

TEST(ParseListTest, TokensNeedNotBeNumbers) {
  auto result = ParseList("--lengths", "small,big");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, (std::vector<std::string>{"small", "big"}));
}

class ParseListErrorTest : public ::testing::TestWithParam<std::string_view> {};

TEST_P(ParseListErrorTest, EmptyItemIsRejectedNamingTheOption) {
  auto result = ParseList("--lengths", GetParam());
  ASSERT_FALSE(result.has_value()) << "'" << GetParam() << "' gave " << result->size() << " items";
  EXPECT_NE(result.error().find("--lengths"), std::string::npos) << result.error();
  EXPECT_NE(result.error().find("empty item"), std::string::npos) << result.error();
}

INSTANTIATE_TEST_SUITE_P(EmptyItems, ParseListErrorTest,
                         ::testing::Values(",1", "1,,2", "1,", "", ","));

// ---- ParseJsonObject ----

TEST(ParseJsonObjectTest, ObjectIsReturnedUnchanged) {
  const std::string text = R"({"sleep": 0, "transaction": true})";
  auto result = ParseJsonObject("--extra", text);
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, text);
}

TEST(ParseJsonObjectTest, EmptyObjectIsAccepted) {
  auto result = ParseJsonObject("--extra", "{}");
  ASSERT_TRUE(result.has_value()) << result.error();
  EXPECT_EQ(*result, "{}");
}

struct JsonErrorCase {
  std::string_view text;
  std::string_view reason;  // expected inside the message
};

class ParseJsonObjectErrorTest : public ::testing::TestWithParam<JsonErrorCase> {};

TEST_P(ParseJsonObjectErrorTest, IsRejectedNamingTheOption) {
  const JsonErrorCase& c = GetParam();
  auto result = ParseJsonObject("--extra", c.text);
  ASSERT_FALSE(result.has_value()) << "'" << c.text << "' accepted";
  EXPECT_NE(result.error().find("--extra"), std::string::npos) << result.error();
  EXPECT_NE(result.error().find(c.reason), std::string::npos) << result.error();
  EXPECT_EQ(result.error().find('\n'), std::string::npos) << result.error();
}

INSTANTIATE_TEST_SUITE_P(
    NotObjects, ParseJsonObjectErrorTest,
    ::testing::Values(JsonErrorCase{"[1,2]", "array"}, JsonErrorCase{"3", "number"},
                      JsonErrorCase{R"("text")", "string"},
                      JsonErrorCase{R"({"sleep":)", "not valid JSON"},
                      JsonErrorCase{"{broken", "not valid JSON"},
                      JsonErrorCase{"", "not valid JSON"}));

TEST(ParseUtf8Test, AcceptsUtf8Text) {
  for (std::string_view text : {"", "LOAD_1", "caf\xc3\xa9", "\xe2\x82\xac" "100", "\xf0\x9f\x98\x80",
                                "\xef\xbb\xbf", "\xf4\x8f\xbf\xbf"}) {
    auto result = ParseUtf8("--id", text);
    ASSERT_TRUE(result.has_value()) << result.error();
    EXPECT_EQ(*result, text);
  }
}

TEST(ParseUtf8Test, RefusesOtherBytesNamingTheFirstBadOne) {
  struct Case {
    std::string_view text;
    const char* where;
  } cases[] = {
      {"\xff", "byte 0xff at offset 0"},        {"ab\xc3", "byte 0xc3 at offset 2"},  // truncated
      {"\xc0\xaf", "byte 0xc0 at offset 0"},     // overlong '/'
      {"\xe0\x80\xaf", "byte 0xe0 at offset 0"}, // overlong, 3 bytes
      {"\xed\xa0\x80", "byte 0xed at offset 0"}, // a UTF-16 surrogate
      {"\xf4\x90\x80\x80", "byte 0xf4 at offset 0"},  // above U+10FFFF
      {"x\x80", "byte 0x80 at offset 1"},        // a lone continuation byte
  };
  for (const Case& c : cases) {
    auto result = ParseUtf8("--id", c.text);
    ASSERT_FALSE(result.has_value()) << c.where;
    EXPECT_NE(result.error().find("--id: not valid UTF-8"), std::string::npos) << result.error();
    EXPECT_NE(result.error().find(c.where), std::string::npos) << result.error();
  }
  EXPECT_FALSE(ParseList("--lengths", "1,\xff").has_value());
}

}  // namespace
}  // namespace pylogen::cli
