// The report's ISO-8601 times, written and read back.
#include "util/iso_time.h"

#include <gtest/gtest.h>

namespace pylogen::util {
namespace {

TEST(ParseIsoTimeTest, ReadsTheReportsTimes) {
  EXPECT_EQ(*ParseIsoTime(""), 0);
  EXPECT_EQ(*ParseIsoTime("1970-01-01T00:00:01.000002Z"), 1'000'002'000);
  EXPECT_EQ(*ParseIsoTime("2026-11-22T21:30:37.901012Z"), 1'795'383'037'901'012'000);
  EXPECT_FALSE(ParseIsoTime("2026-11-22T21:30:37.901012"));
  EXPECT_FALSE(ParseIsoTime("2026-13-22T21:30:37.901012Z"));
  EXPECT_FALSE(ParseIsoTime("2026-11-22T21:30:37.901012Z trailing"));
}

TEST(IsoTextTest, WritesMicrosecondsAndReadsBackToThem) {
  EXPECT_EQ(IsoText(0), "");
  EXPECT_EQ(IsoText(1'795'383'037'901'012'345), "2026-11-22T21:30:37.901012Z");
  EXPECT_EQ(*ParseIsoTime(IsoText(1'795'383'037'901'012'345)), 1'795'383'037'901'012'000);
}

}  // namespace
}  // namespace pylogen::util
