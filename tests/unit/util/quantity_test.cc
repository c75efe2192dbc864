// The one grammar of numbers, durations and counts, and its bound messages.
#include "util/quantity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/bounds.h"

namespace pylogen::util {
namespace {

TEST(ParseNumberTest, DecimalNumbersOnly) {
  EXPECT_EQ(ParseNumber("10"), 10);
  EXPECT_EQ(ParseNumber("0.5"), 0.5);
  EXPECT_EQ(ParseNumber("-2"), -2);
  EXPECT_EQ(ParseNumber("1e3"), 1000);
  EXPECT_EQ(ParseNumber("1e300"), 1e300);
  for (std::string_view bad : {"", " 1", "1 ", "+1", "0x10", "inf", "-inf", "nan", "infinity",
                               "1e400", "-1e400", "1,5", "1e", "e3", "--1", "1.2.3"}) {
    EXPECT_EQ(ParseNumber(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(ParseSecondsTest, EveryUnit) {
  struct Case {
    std::string_view text;
    double seconds;
  };
  for (Case c : {Case{"30", 30}, Case{"0.5", 0.5}, Case{"500ms", 0.5}, Case{"250us", 250e-6},
                 Case{"7ns", 7e-9}, Case{"1.5s", 1.5}, Case{"2m", 120}, Case{"1h", 3600},
                 Case{"100d", 8'640'000}, Case{"-1s", -1}, Case{"1e2ms", 0.1}}) {
    auto seconds = ParseSeconds(c.text);
    ASSERT_TRUE(seconds.has_value()) << c.text;
    EXPECT_DOUBLE_EQ(*seconds, c.seconds) << c.text;
  }
  for (std::string_view bad :
       {"", "s", "ms", "10x", "1 s", "1sm", "1e308d", "nans", "infs", "d1", "1S", "1mss"}) {
    EXPECT_EQ(ParseSeconds(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(ParseUnsignedTest, DigitsOnlyIn64Bits) {
  EXPECT_EQ(ParseUnsigned("0"), 0u);
  EXPECT_EQ(ParseUnsigned("18446744073709551615"), UINT64_MAX);
  for (std::string_view bad :
       {"", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x1", "18446744073709551616"}) {
    EXPECT_EQ(ParseUnsigned(bad), std::nullopt) << "'" << bad << "'";
  }
}

TEST(FormatNumberTest, ShortestExactOrExponent) {
  EXPECT_EQ(FormatNumber(0.3), "0.3");
  EXPECT_EQ(FormatNumber(8'640'000), "8640000");
  EXPECT_EQ(FormatNumber(4294967296.0), "4294967296");
  EXPECT_EQ(FormatNumber(1e12), "1e12");
  EXPECT_EQ(FormatNumber(1e300), "1e300");
  EXPECT_EQ(FormatNumber(1.5e300), "1.5e300");
  EXPECT_EQ(FormatNumber(123456789012.5), "123456789012.5");
}

TEST(SecondsTextTest, AddsTheUnitWhenThereIsNone) {
  EXPECT_EQ(SecondsText("1e12"), "1e12s");
  EXPECT_EQ(SecondsText("2000h"), "2000h");
  EXPECT_EQ(SecondsText("5ms"), "5ms");
  std::string huge(100'000, '9');
  EXPECT_LT(SecondsText(huge).size(), 120u);
}

TEST(BoundsTest, DurationAndRate) {
  EXPECT_EQ(CheckDurationBound("duration", "1s", 1), std::nullopt);
  EXPECT_EQ(CheckDurationBound("duration", "100d", kMaxDurationS), std::nullopt);
  EXPECT_EQ(CheckDurationBound("duration", "1e12s", 1e12),
            "duration 1e12s is above the bound of 100 days (8640000s)");
  EXPECT_NE(CheckDurationBound("x", "nan", std::nan("")), std::nullopt);
  EXPECT_NE(CheckDurationBound("x", "inf", INFINITY), std::nullopt);
  EXPECT_EQ(CheckRateBound("rate", "1e7", 1e7), std::nullopt);
  EXPECT_EQ(CheckRateBound("rate", "1e12", 1e12), "rate 1e12 is above the bound of 1e7 events/s");
  EXPECT_NE(CheckRateBound("rate", "nan", std::nan("")), std::nullopt);
}

}  // namespace
}  // namespace pylogen::util
