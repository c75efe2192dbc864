#include "schedule/schedule.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::schedule {
namespace {

// A matrix file that lives as long as the test.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("pylogen_schedule_test_" + std::to_string(::getpid()) + "_" +
              std::to_string(counter++) + ".csv"))
                .string();
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Schedule MustParse(const std::string& text) {
  auto schedule = Schedule::Parse(text);
  EXPECT_TRUE(schedule.has_value()) << text << ": " << schedule.error();
  return schedule.value_or(*Schedule::Parse("1@0"));
}

// ---- Grammar: what parses, with its duration and expected number of events.

struct ParseCase {
  std::string text;
  double duration;
  double total;
};

class ScheduleParseTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ScheduleParseTest, GivesDurationAndIntegral) {
  const ParseCase& c = GetParam();
  Schedule schedule = MustParse(c.text);
  EXPECT_NEAR(schedule.duration_s(), c.duration, 1e-12) << c.text;
  EXPECT_NEAR(schedule.Total(), c.total, 1e-9 * std::max(1.0, c.total)) << c.text;
  EXPECT_DOUBLE_EQ(schedule.IntegralTo(schedule.duration_s()), schedule.Total()) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleParseTest,
    ::testing::Values(
        ParseCase{"30@10", 30, 300}, ParseCase{"0.5@4", 0.5, 2}, ParseCase{"500ms@10", 0.5, 5},
        ParseCase{"30s@10", 30, 300}, ParseCase{"2m@1", 120, 120}, ParseCase{"1h@0.5", 3600, 1800},
        ParseCase{"10@0", 10, 0}, ParseCase{"10@1e1", 10, 100}, ParseCase{"10@10-50", 10, 300},
        ParseCase{"10@50-10", 10, 300}, ParseCase{"10@0-1e-1", 10, 0.5},
        ParseCase{" 5 @ 1 , 10@ 2 ", 15, 25}, ParseCase{"5@1,10@0.1,5@1,30@0.1", 50, 14},
        // Two periods of 0 -> 2000 over 5 s.
        ParseCase{"10@sawtooth(5,2000)", 10, 10000}, ParseCase{"1m@sawtooth(500ms,10)", 60, 300},
        // Two whole triangles (200 each) and a rising half (100).
        ParseCase{"10@triangle(4,100)", 10, 500},
        // 3, 6, 9 for 2 s each.
        ParseCase{"6@staircase(2,3)", 6, 36},
        // ponos' make_staircase(1,1,2): 1, then 2 for ever.
        ParseCase{"4@staircase(1,1,2)", 4, 7},
        // round(8/3) = 3 steps: 3, 6, 9 (ponos lets the last step exceed the roof), then 8.
        ParseCase{"5@staircase(1,3,8)", 5, 34},
        // make_inverse_staircase(1,1,2): 2, 1, then 0.
        ParseCase{"4@invstaircase(1,1,2)", 4, 3}, ParseCase{"4@invstaircase(1,1,2,1)", 4, 5},
        // round(10/4) = 3 steps: 10, 6, 2, then 0.
        ParseCase{"5@invstaircase(1,4,10)", 5, 18}, ParseCase{"10@bursts(1,1,2)", 10, 10},
        ParseCase{"10@bursts(4,1,300)", 10, 600}, ParseCase{"3@bursts(0,1,7)", 3, 21},
        ParseCase{"10@sine(5,2,10)", 10, 50},
        // Clamped: only the positive half-wave counts, 10 * 10 / pi.
        ParseCase{"10@sine(0,10,10)", 10, 100 / std::numbers::pi},
        ParseCase{"20@sine(5,2,10),5@3", 25, 115}));

TEST(ScheduleParseTest, MatrixFollowsPonosFromMatrix) {
  // ponos' make_from_matrix_test: [{0,0.0},{5,10.0},{10,5.0}].
  TempFile file("# second,rate\n0,0\n\n5, 10\n10,5\n");
  Schedule schedule = MustParse("12@matrix(" + file.path() + ")");
  const double expected[] = {0, 2, 4, 6, 8, 10, 9, 8, 7, 6, 5, 0};
  for (int second = 0; second < 12; ++second) {
    EXPECT_NEAR(schedule.RateAt(second), expected[second], 1e-12) << second;
    EXPECT_NEAR(schedule.RateAt(second + 0.999), expected[second], 1e-12) << second;
  }
  EXPECT_NEAR(schedule.Total(), 65, 1e-9);
}

TEST(ScheduleParseTest, MatrixIsZeroBeforeTheFirstRowAndStopsAtTheSegmentEnd) {
  TempFile file("2,4\n3,4\n6,10\n");
  Schedule schedule = MustParse("5@matrix(" + file.path() + ")");
  EXPECT_EQ(schedule.RateAt(0), 0);
  EXPECT_EQ(schedule.RateAt(1.5), 0);
  EXPECT_EQ(schedule.RateAt(2), 4);
  EXPECT_EQ(schedule.RateAt(4.5), 6);
  EXPECT_NEAR(schedule.Total(), 4 + 4 + 6, 1e-12);
}

// ---- Rates: ponos' eunit cases for each load spec, milliseconds -> seconds.

struct RateCase {
  std::string schedule;
  double t;
  double rate;
};

class ScheduleRateTest : public ::testing::TestWithParam<RateCase> {};

TEST_P(ScheduleRateTest, MatchesPonos) {
  const RateCase& c = GetParam();
  Schedule schedule = MustParse(c.schedule);
  EXPECT_NEAR(schedule.RateAt(c.t), c.rate, 1e-9) << c.schedule << " at " << c.t;
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleRateTest,
    ::testing::Values(
        RateCase{"20@bursts(1,1,2)", 0, 0}, RateCase{"20@bursts(1,1,2)", 0.999, 0},
        RateCase{"20@bursts(1,1,2)", 1, 2}, RateCase{"20@bursts(1,1,2)", 1.999, 2},
        RateCase{"20@bursts(1,1,2)", 2, 0}, RateCase{"20@bursts(1,1,2)", 3, 2},
        RateCase{"20@sawtooth(10,10)", 0, 0}, RateCase{"20@sawtooth(10,10)", 1, 1},
        RateCase{"20@sawtooth(10,10)", 2.5, 2.5}, RateCase{"20@sawtooth(10,10)", 10, 0},
        RateCase{"20@staircase(2,3)", 0, 3}, RateCase{"20@staircase(2,3)", 0.001, 3},
        RateCase{"20@staircase(2,3)", 1.999, 3}, RateCase{"20@staircase(2,3)", 2, 6},
        RateCase{"20@staircase(2,3)", 5.999, 9}, RateCase{"1000@staircase(1,1,2)", 0, 1},
        RateCase{"1000@staircase(1,1,2)", 0.999, 1}, RateCase{"1000@staircase(1,1,2)", 1, 2},
        RateCase{"1000@staircase(1,1,2)", 2, 2}, RateCase{"1000@staircase(1,1,2)", 999.999, 2},
        RateCase{"100@invstaircase(1,1,2)", 0, 2}, RateCase{"100@invstaircase(1,1,2)", 0.999, 2},
        RateCase{"100@invstaircase(1,1,2)", 1, 1}, RateCase{"100@invstaircase(1,1,2)", 1.999, 1},
        RateCase{"100@invstaircase(1,1,2)", 2, 0}, RateCase{"100@invstaircase(1,1,2)", 99.999, 0},
        RateCase{"100@invstaircase(1,1,2,1)", 0.001, 2},
        RateCase{"100@invstaircase(1,1,2,1)", 1.001, 1},
        RateCase{"100@invstaircase(1,1,2,1)", 2, 1},
        RateCase{"100@invstaircase(1,1,2,1)", 99.999, 1}, RateCase{"20@triangle(10,10)", 0, 0},
        RateCase{"20@triangle(10,10)", 0.5, 1}, RateCase{"20@triangle(10,10)", 0.75, 1.5},
        RateCase{"20@triangle(10,10)", 5, 10}, RateCase{"20@triangle(10,10)", 6.25, 7.5},
        RateCase{"20@triangle(10,10)", 9.5, 1}, RateCase{"20@triangle(10,10)", 15, 10},
        RateCase{"8@sine(5,2,4)", 1, 7}, RateCase{"8@sine(5,2,4)", 3, 3},
        RateCase{"8@sine(5,2,4)", 4, 5}, RateCase{"8@sine(1,2,4)", 3, 0},
        RateCase{"10@10-50", 5, 30}, RateCase{"10@50-10", 2.5, 40},
        // Time restarts at each segment; nothing outside the schedule.
        RateCase{"5@1,10@sawtooth(10,10)", 6, 1}, RateCase{"5@1,10@sawtooth(10,10)", 5, 0},
        RateCase{"5@1,10@10-20", 10, 15}, RateCase{"5@3", -1, 0}, RateCase{"5@3", 5, 0},
        RateCase{"5@3", 4.999, 3}));

// ---- The integral: closed forms against a numeric integration of RateAt.

const std::vector<std::string> kShapes = {
    "20@7.3",
    "20@3-40",
    "20@40-3",
    "20@sawtooth(3,50)",
    "20@triangle(4,30)",
    "20@staircase(2,3)",
    "20@staircase(1,2,7)",
    "20@invstaircase(2,5,40)",
    "20@invstaircase(2,5,40,10)",
    "20@bursts(1.5,0.5,60)",
    "20@sine(20,15,3)",
    "20@sine(5,20,3)",
    "3@5,2@0,4@10-1,5@sawtooth(1,30),3@sine(4,8,2),2@bursts(0.3,0.2,40)",
};

class ScheduleIntegralTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScheduleIntegralTest, MatchesNumericIntegration) {
  Schedule schedule = MustParse(GetParam());
  const int steps = 400000;
  const double h = schedule.duration_s() / steps;
  double numeric = 0;
  for (int i = 0; i < steps; ++i) {
    numeric += schedule.RateAt((i + 0.5) * h) * h;
    if (i % 20000 == 19999) {
      double t = (i + 1) * h;
      EXPECT_NEAR(schedule.IntegralTo(t), numeric, 1e-3 * std::max(1.0, numeric))
          << GetParam() << " at " << t;
    }
  }
}

TEST_P(ScheduleIntegralTest, TimeAtIntegralIsTheSmallestInverse) {
  Schedule schedule = MustParse(GetParam());
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> fraction(0, 1);
  for (int i = 0; i < 2000; ++i) {
    double x = schedule.Total() * fraction(rng);
    double t = schedule.TimeAtIntegral(x);
    EXPECT_NEAR(schedule.IntegralTo(t), x, 1e-9 * std::max(1.0, x)) << GetParam() << " x=" << x;
    EXPECT_LT(schedule.IntegralTo(t - 1e-7), x + 1e-12) << GetParam() << " x=" << x;
  }
}

TEST_P(ScheduleIntegralTest, CursorGivesTheSameTimesAsASearch) {
  Schedule schedule = MustParse(GetParam());
  Schedule::Cursor cursor;
  for (double x = 0.37; x <= schedule.Total(); x += 0.37) {
    EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(x, cursor), schedule.TimeAtIntegral(x)) << x;
  }
  // Going back is allowed.
  EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(1, cursor), schedule.TimeAtIntegral(1));
}

INSTANTIATE_TEST_SUITE_P(Schedule, ScheduleIntegralTest, ::testing::ValuesIn(kShapes));

TEST(ScheduleIntegralTest, ZeroRateGapIsNotPartOfTheInverse) {
  Schedule schedule = MustParse("1@1,5@0,1@1");
  EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(1), 1);
  EXPECT_NEAR(schedule.TimeAtIntegral(1.5), 6.5, 1e-12);
  EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(2), 7);
  EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(99), 7);  // clamped to Total()
  EXPECT_DOUBLE_EQ(schedule.TimeAtIntegral(0), 0);
  // A position within rounding of 0 still belongs after a leading zero-rate segment.
  EXPECT_NEAR(MustParse("3@0,2@5").TimeAtIntegral(1e-13), 3, 1e-12);
}

TEST(ScheduleIntegralTest, DefaultConstructedScheduleIsEmpty) {
  Schedule empty;
  EXPECT_EQ(empty.duration_s(), 0);
  EXPECT_EQ(empty.Total(), 0);
  EXPECT_EQ(empty.RateAt(0), 0);
  EXPECT_EQ(empty.IntegralTo(5), 0);
  EXPECT_EQ(empty.TimeAtIntegral(5), 0);
}

TEST(ScheduleIntegralTest, PeriodEndingAtZeroIsReachedAtItsLastPositiveRate) {
  // sine(0,...) is 0 over the second half of each period: one period's worth
  // of events is reached at the half period, not at the next period.
  Schedule schedule = MustParse("20@sine(0,10,10)");
  EXPECT_NEAR(schedule.TimeAtIntegral(schedule.IntegralTo(10)), 5, 1e-6);
  EXPECT_NEAR(schedule.TimeAtIntegral(schedule.IntegralTo(7.5)), 5, 1e-6);
  Schedule bursts = MustParse("20@bursts(2,1,0.3)");  // 0.3 per 3 s period
  EXPECT_NEAR(bursts.TimeAtIntegral(0.3 * 3), 9, 1e-9);
}

TEST(ScheduleIntegralTest, LongFinePeriodicShapesStayExact) {
  // 3.6 million periods: closed forms, no summing period by period.
  Schedule schedule = MustParse("1h@sawtooth(1ms,2000)");
  EXPECT_NEAR(schedule.Total(), 3600 * 1000, 1e-3);
  // The last period holds 1 event, 1e6 * tau^2 after tau seconds into it.
  EXPECT_NEAR(schedule.TimeAtIntegral(3600 * 1000 - 0.25), 3599.999 + std::sqrt(0.75e-6), 1e-9);
  Schedule stairs = MustParse("1000@staircase(0.001,1)");
  EXPECT_NEAR(stairs.Total(), 0.001 * 1e6 * (1e6 + 1) / 2, 1);
  double x = stairs.Total() / 3;
  EXPECT_NEAR(stairs.IntegralTo(stairs.TimeAtIntegral(x)), x, 1e-6 * x);
}

// ---- The highest rate over a window (the controller's λ).

struct MaxRateCase {
  std::string schedule;
  double t0, t1;
  double rate;
};

class ScheduleMaxRateTest : public ::testing::TestWithParam<MaxRateCase> {};

TEST_P(ScheduleMaxRateTest, IsExact) {
  const MaxRateCase& c = GetParam();
  Schedule schedule = MustParse(c.schedule);
  EXPECT_NEAR(schedule.MaxRate(c.t0, c.t1), c.rate, 1e-9)
      << c.schedule << " over [" << c.t0 << ", " << c.t1 << "]";
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleMaxRateTest,
    ::testing::Values(
        // Constant; nothing before 0 or from the end on; both window ends count.
        MaxRateCase{"10@5", 2, 3, 5}, MaxRateCase{"10@5", -5, -1, 0}, MaxRateCase{"10@5", -1, 0, 5},
        MaxRateCase{"10@5", 10, 12, 0}, MaxRateCase{"10@5", 9.5, 12, 5},
        MaxRateCase{"10@5", 4, 4, 5},
        // A step is seen as soon as the window reaches it.
        MaxRateCase{"10@10,10@2000", 8, 9.9, 10}, MaxRateCase{"10@10,10@2000", 9, 10, 2000},
        MaxRateCase{"10@10,10@2000", 9, 10.5, 2000}, MaxRateCase{"10@2000,10@10", 10, 11, 10},
        MaxRateCase{"10@2000,10@10", 9.9, 11, 2000},
        // Ramps: the end of the window, or of the segment.
        MaxRateCase{"10@10-50", 2, 4, 26}, MaxRateCase{"10@10-50", 0, 30, 50},
        MaxRateCase{"10@50-10", 2.5, 5, 40},
        // Sawtooth: its peak is the limit at the period's end.
        MaxRateCase{"20@sawtooth(10,10)", 1, 3, 3}, MaxRateCase{"20@sawtooth(10,10)", 8, 11, 10},
        MaxRateCase{"20@sawtooth(10,10)", 10, 12, 2}, MaxRateCase{"20@sawtooth(10,10)", 9, 10, 10},
        MaxRateCase{"20@sawtooth(10,10)", 3, 100, 10}, MaxRateCase{"20@sawtooth(10,10)", 13, 14, 4},
        // Triangle.
        MaxRateCase{"20@triangle(10,10)", 1, 2, 4}, MaxRateCase{"20@triangle(10,10)", 4, 6, 10},
        MaxRateCase{"20@triangle(10,10)", 6, 7, 8}, MaxRateCase{"20@triangle(10,10)", 16, 22, 8},
        MaxRateCase{"20@triangle(10,10)", 9, 11, 2},
        // Staircases: the steps the window covers, then the roof or floor.
        MaxRateCase{"20@staircase(2,3)", 0, 1, 3}, MaxRateCase{"20@staircase(2,3)", 1, 4.5, 9},
        MaxRateCase{"20@staircase(2,3)", 3, 3.5, 6}, MaxRateCase{"20@staircase(2,3)", 3, 4, 9},
        MaxRateCase{"20@staircase(2,3)", 1, 2, 6},
        // The step that would start at the segment's end is not played.
        MaxRateCase{"20@staircase(2,3)", 18.5, 25, 30},
        MaxRateCase{"20@staircase(2,3),1@4", 18.5, 20, 30},
        MaxRateCase{"1000@staircase(1,1,2)", 0, 0.5, 1},
        MaxRateCase{"1000@staircase(1,1,2)", 0, 500, 2},
        MaxRateCase{"100@invstaircase(1,1,2,1)", 0.5, 10, 2},
        MaxRateCase{"100@invstaircase(1,1,2,1)", 1.5, 10, 1},
        MaxRateCase{"100@invstaircase(1,1,2)", 2, 50, 0},
        // Bursts.
        MaxRateCase{"20@bursts(1,1,2)", 0, 0.9, 0}, MaxRateCase{"20@bursts(1,1,2)", 0.5, 1, 2},
        MaxRateCase{"20@bursts(1,1,2)", 2.2, 2.8, 0}, MaxRateCase{"20@bursts(1,1,2)", 2.2, 3, 2},
        MaxRateCase{"20@bursts(1,1,2)", 0, 100, 2},
        // Sine: its peak when the window holds one, else the higher end.
        MaxRateCase{"8@sine(5,2,4)", 0, 0.5, 5 + 2 * std::numbers::sqrt2 / 2},
        MaxRateCase{"8@sine(5,2,4)", 0.5, 2, 7}, MaxRateCase{"8@sine(5,2,4)", 2, 3, 5},
        MaxRateCase{"8@sine(5,2,4)", 4.5, 5.5, 7},
        MaxRateCase{"8@sine(5,2,4)", 5.5, 6, 5 + 2 * std::numbers::sqrt2 / 2},
        MaxRateCase{"8@sine(5,2,4)", 1.5, 20, 7}, MaxRateCase{"8@sine(1,2,4)", 2.5, 3.5, 0},
        // Segments together: each shape on its own time.
        MaxRateCase{"5@1,10@sawtooth(10,10)", 4, 5.5, 1},
        MaxRateCase{"5@1,10@sawtooth(10,10)", 4, 7, 2}, MaxRateCase{"3@5,2@0,4@10-1", 3.5, 5, 10},
        MaxRateCase{"3@5,2@0,4@10-1", 3.5, 4.9, 0}));

TEST(ScheduleMaxRateTest, MatrixHoldsEachSecondsRate) {
  TempFile file("0,10\n2,30\n");
  Schedule schedule = MustParse("10@matrix(" + file.path() + ")");
  EXPECT_DOUBLE_EQ(schedule.MaxRate(0, 0.5), 10);
  EXPECT_DOUBLE_EQ(schedule.MaxRate(0.5, 1.5), 20);
  EXPECT_DOUBLE_EQ(schedule.MaxRate(2.5, 5), 30);
  EXPECT_DOUBLE_EQ(schedule.MaxRate(0, 10), 30);
  EXPECT_DOUBLE_EQ(schedule.MaxRate(3, 5), 0);  // 0 from one second after the last row
}

TEST(ScheduleMaxRateTest, DefaultConstructedScheduleHasNoRate) {
  EXPECT_EQ(Schedule().MaxRate(0, 10), 0);
}

// Against dense sampling: never below a sampled rate, and above the highest
// sample by no more than the steepest slope times the sampling step.
TEST_P(ScheduleIntegralTest, MaxRateBoundsTheSampledRatesTightly) {
  Schedule schedule = MustParse(GetParam());
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> start(-1, schedule.duration_s() + 1), width(0, 3);
  const double h = 2e-4;
  for (int i = 0; i < 100; ++i) {
    double t0 = start(rng), t1 = t0 + width(rng);
    double sampled = 0;
    for (double t = t0; t < t1; t += h) sampled = std::max(sampled, schedule.RateAt(t));
    sampled = std::max(sampled, schedule.RateAt(t1));
    double max = schedule.MaxRate(t0, t1);
    EXPECT_GE(max, sampled - 1e-9) << GetParam() << " over [" << t0 << ", " << t1 << "]";
    EXPECT_LE(max, sampled + 0.02) << GetParam() << " over [" << t0 << ", " << t1 << "]";
  }
}

// ---- Errors: one message naming the segment and the reason.

struct ErrorCase {
  std::string text;
  std::string segment;  // "2 '10@sawtooth(5)'", or "" when the schedule as a whole is wrong
  std::string reason;
};

class ScheduleErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ScheduleErrorTest, NamesSegmentAndReason) {
  const ErrorCase& c = GetParam();
  auto schedule = Schedule::Parse(c.text);
  ASSERT_FALSE(schedule.has_value()) << c.text;
  const std::string& message = schedule.error();
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  if (!c.segment.empty()) {
    EXPECT_EQ(message.rfind("--schedule segment " + c.segment + ": ", 0), 0u) << message;
  } else {
    EXPECT_EQ(message.rfind("--schedule", 0), 0u) << message;
  }
  EXPECT_NE(message.find(c.reason), std::string::npos) << message << " lacks " << c.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleErrorTest,
    ::testing::Values(
        ErrorCase{"", "", "empty"}, ErrorCase{"  ", "", "empty"},
        ErrorCase{"5@1,10@sawtooth(5)", "2 '10@sawtooth(5)'",
                  "sawtooth takes 2 arguments (PERIOD,AMPLITUDE)"},
        ErrorCase{"10@triangle(1,2,3)", "1 '10@triangle(1,2,3)'", "triangle takes 2 arguments"},
        ErrorCase{"10@staircase(1)", "1 '10@staircase(1)'", "staircase takes 2 or 3 arguments"},
        ErrorCase{"10@staircase(1,2,3,4)", "1 '10@staircase(1,2,3,4)'", "takes 2 or 3"},
        ErrorCase{"10@invstaircase(1,2)", "1 '10@invstaircase(1,2)'", "takes 3 or 4 arguments"},
        ErrorCase{"10@invstaircase(1,2,3,4,5)", "1 '10@invstaircase(1,2,3,4,5)'", "takes 3 or 4"},
        ErrorCase{"10@bursts(1,2)", "1 '10@bursts(1,2)'", "bursts takes 3 arguments"},
        ErrorCase{"10@sine(1,2)", "1 '10@sine(1,2)'", "sine takes 3 arguments"},
        ErrorCase{"10@sine(1,,2)", "1 '10@sine(1,,2)'", "sine takes 3 arguments"},
        ErrorCase{"10@matrix()", "1 '10@matrix()'", "matrix takes 1 argument"},
        ErrorCase{"5@1,10@-5", "2 '10@-5'", "rate '-5' must be >= 0"},
        ErrorCase{"10@5--1", "1 '10@5--1'", "rate '-1' must be >= 0"},
        ErrorCase{"10@sawtooth(5,-1)", "1 '10@sawtooth(5,-1)'", "AMPLITUDE must be >= 0"},
        ErrorCase{"10@sawtooth(0,5)", "1 '10@sawtooth(0,5)'", "PERIOD must be > 0"},
        ErrorCase{"10@staircase(1,0)", "1 '10@staircase(1,0)'", "INCREMENT must be > 0"},
        ErrorCase{"10@invstaircase(1,1,2,3)", "1 '10@invstaircase(1,1,2,3)'", "must be >= TO"},
        ErrorCase{"10@bursts(1,0,5)", "1 '10@bursts(1,0,5)'", "DURATION must be > 0"},
        ErrorCase{"10@sine(1,2,0)", "1 '10@sine(1,2,0)'", "PERIOD must be > 0"},
        ErrorCase{"0@5", "1 '0@5'", "duration '0' must be > 0"},
        ErrorCase{"1@1,-2@5", "2 '-2@5'", "must be > 0"},
        ErrorCase{"0ms@5", "1 '0ms@5'", "must be > 0"},
        ErrorCase{"abc@5", "1 'abc@5'", "'abc' is not a duration"},
        ErrorCase{"10x@5", "1 '10x@5'", "is not a duration"},
        ErrorCase{"10@wave(1,2)", "1 '10@wave(1,2)'", "unknown shape 'wave'"},
        ErrorCase{"10@abc", "1 '10@abc'", "'abc' is not a rate"},
        ErrorCase{"10@10-x", "1 '10@10-x'", "'x' is not a rate"},
        ErrorCase{"10@nan", "1 '10@nan'", "is not a rate"},
        ErrorCase{"10@sawtooth(x,5)", "1 '10@sawtooth(x,5)'", "PERIOD 'x' is not a duration"},
        ErrorCase{"10@sine(a,1,1)", "1 '10@sine(a,1,1)'", "MEAN 'a' is not a number"},
        ErrorCase{"10@sine(1,2,3)x", "1 '10@sine(1,2,3)x'", "after the closing parenthesis"},
        ErrorCase{"10", "1 '10'", "missing '@'"}, ErrorCase{"5@1,10", "2 '10'", "missing '@'"},
        ErrorCase{"10@", "1 '10@'", "missing rate"},
        ErrorCase{"10@sawtooth(5,2", "1 '10@sawtooth(5,2'", "unbalanced parentheses"},
        ErrorCase{"5@1,10@sine(1,2,3", "2 '10@sine(1,2,3'", "unbalanced parentheses"},
        ErrorCase{"10@sawtooth(5,2)),5@1", "1 '10@sawtooth(5,2))'", "unbalanced parentheses"},
        ErrorCase{"5@1,,5@1", "2 ''", "empty segment"}, ErrorCase{"5@1,", "2 ''", "empty segment"},
        ErrorCase{"10@matrix(/nonexistent/pylogen.csv)", "1 '10@matrix(/nonexistent/pylogen.csv)'",
                  "cannot read matrix file '/nonexistent/pylogen.csv'"}));

// ---- Bounds (util/bounds.h): every rate, duration and segment's events.

INSTANTIATE_TEST_SUITE_P(
    Bounds, ScheduleErrorTest,
    ::testing::Values(
        ErrorCase{"0.3@1e12", "1 '0.3@1e12'", "rate 1e12 is above the bound of 1e7 events/s"},
        ErrorCase{"1e12@0.3", "1 '1e12@0.3'",
                  "duration 1e12s is above the bound of 100 days (8640000s)"},
        ErrorCase{"1e300@1", "1 '1e300@1'", "duration 1e300s is above the bound"},
        ErrorCase{"101d@0", "1 '101d@0'", "duration 101d is above the bound of 100 days"},
        ErrorCase{"1@1e300", "1 '1@1e300'", "rate 1e300 is above the bound of 1e7 events/s"},
        ErrorCase{"1@10000001", "1 '1@10000001'", "rate 10000001 is above the bound"},
        ErrorCase{"10@1e300-1", "1 '10@1e300-1'", "rate 1e300 is above the bound"},
        ErrorCase{"10@1-2e7", "1 '10@1-2e7'", "rate 2e7 is above the bound"},
        ErrorCase{"10@sawtooth(1,1e300)", "1 '10@sawtooth(1,1e300)'",
                  "sawtooth AMPLITUDE 1e300 is above the bound of 1e7 events/s"},
        ErrorCase{"10@triangle(1,2e7)", "1 '10@triangle(1,2e7)'",
                  "triangle AMPLITUDE 2e7 is above"},
        ErrorCase{"10@sine(1,1e300,1)", "1 '10@sine(1,1e300,1)'", "sine AMPLITUDE 1e300 is above"},
        ErrorCase{"10@sine(6e6,6e6,1)", "1 '10@sine(6e6,6e6,1)'",
                  "sine MEAN+AMPLITUDE (its peak) 12000000 is above the bound of 1e7 events/s"},
        ErrorCase{"10@sine(1e300,1,1)", "1 '10@sine(1e300,1,1)'", "sine MEAN 1e300 is above"},
        ErrorCase{"10@staircase(1,1,1e300)", "1 '10@staircase(1,1,1e300)'",
                  "staircase MAX 1e300 is above the bound"},
        ErrorCase{"10@staircase(1,1e300)", "1 '10@staircase(1,1e300)'", "INCREMENT 1e300 is above"},
        ErrorCase{"100@staircase(1,1e6)", "1 '100@staircase(1,1e6)'",
                  "the rate reaches 100000000 within the segment, above the bound of 1e7 events/s"},
        ErrorCase{"10@invstaircase(1,1,1e300)", "1 '10@invstaircase(1,1,1e300)'",
                  "invstaircase FROM 1e300 is above the bound"},
        ErrorCase{"10@invstaircase(1,1e300,5)", "1 '10@invstaircase(1,1e300,5)'",
                  "DECREMENT 1e300"},
        ErrorCase{"10@bursts(1,1,1e300)", "1 '10@bursts(1,1,1e300)'",
                  "bursts RATE 1e300 is above the bound"},
        ErrorCase{"10@sawtooth(1e12,5)", "1 '10@sawtooth(1e12,5)'",
                  "sawtooth PERIOD 1e12s is above the bound of 100 days (8640000s)"},
        ErrorCase{"10@staircase(101d,5)", "1 '10@staircase(101d,5)'", "STEP 101d is above"},
        ErrorCase{"10@bursts(1e12,1,5)", "1 '10@bursts(1e12,1,5)'", "bursts IDLE 1e12s is above"},
        ErrorCase{"10@bursts(1,1e12,5)", "1 '10@bursts(1,1e12,5)'", "bursts DURATION 1e12s"},
        ErrorCase{"10@sine(1,1,1e300)", "1 '10@sine(1,1,1e300)'", "sine PERIOD 1e300s is above"},
        ErrorCase{"1e-300@5", "1 '1e-300@5'", "duration 1e-300s is below the floor of 1ns"},
        ErrorCase{"10@sawtooth(1e-300,5)", "1 '10@sawtooth(1e-300,5)'",
                  "sawtooth PERIOD 1e-300s is below the floor of 1ns"},
        ErrorCase{"10@staircase(1e-12,1)", "1 '10@staircase(1e-12,1)'", "STEP 1e-12s is below"},
        ErrorCase{"500@1e7", "1 '500@1e7'",
                  "5000000000 events in the segment, above the bound of 2^32 (4294967296) events "
                  "per segment"},
        ErrorCase{"1@1,430@1e7", "2 '430@1e7'", "4300000000 events in the segment"},
        ErrorCase{"5000000@1,5000000@1", "2 '5000000@1'",
                  "the schedule lasts 10000000s up to this segment, above the bound of 100 days"}));

TEST(ScheduleBoundsTest, TheBoundsThemselvesAreAllowed) {
  Schedule most_events = MustParse("429.4967296@1e7");  // 2^32 events exactly
  EXPECT_DOUBLE_EQ(most_events.Total(), 4294967296.0);
  EXPECT_EQ(most_events.segment_events(0), 4294967296u);
  Schedule longest = MustParse("50d@0.001,50d@0.01");
  EXPECT_DOUBLE_EQ(longest.duration_s(), 8'640'000);
  MustParse("1ns@1");
  MustParse("1@sine(5e6,5e6,1)");
  MustParse("10@staircase(1,1e6)");  // reaches 1e7 in its last step
  MustParse("1@sawtooth(1ns,1e7)");
}

// Whole events per segment as uniform arrivals count them, and the largest.
TEST(ScheduleBoundsTest, SegmentEventsAndTheLargestSegment) {
  Schedule schedule = MustParse("1@2.5,1@0.5,2@2,1@0");
  EXPECT_EQ(schedule.segment_count(), 4u);
  EXPECT_EQ(schedule.segment_events(0), 2u);  // positions 1, 2
  EXPECT_EQ(schedule.segment_events(1), 1u);  // position 3 (the integral reaches 3.0)
  EXPECT_EQ(schedule.segment_events(2), 4u);
  EXPECT_EQ(schedule.segment_events(3), 0u);
  EXPECT_EQ(schedule.largest_segment(), 2u);
  EXPECT_EQ(schedule.segment_text(2), "2@2");
  EXPECT_DOUBLE_EQ(schedule.SegmentEndIntegral(2), 7);
}

// ---- Echoed text: cut, one line.

TEST(ScheduleExcerptTest, AHugeSegmentIsEchoedCut) {
  std::string huge = "1@" + std::string(1'000'000, '9') + "x";
  auto schedule = Schedule::Parse("1@1," + huge);
  ASSERT_FALSE(schedule.has_value());
  const std::string& error = schedule.error();
  EXPECT_EQ(error.rfind("--schedule segment 2 '1@999", 0), 0u) << error.substr(0, 200);
  EXPECT_LT(error.size(), 500u) << error.substr(0, 200);
  EXPECT_NE(error.find("(1000003 bytes)"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(ScheduleExcerptTest, AHugeShapeArgumentIsEchoedCut) {
  std::string argument(500'000, 'a');
  auto schedule = Schedule::Parse("1@sawtooth(" + argument + ",5)");
  ASSERT_FALSE(schedule.has_value());
  EXPECT_LT(schedule.error().size(), 600u) << schedule.error().substr(0, 200);
  EXPECT_NE(schedule.error().find("sawtooth PERIOD 'aaaa"), std::string::npos) << schedule.error();
}

TEST(ScheduleExcerptTest, AHugeMatrixRowIsEchoedCut) {
  TempFile file("0,1\n" + std::string(1'000'000, '7') + ",x\n");
  auto schedule = Schedule::Parse("10@matrix(" + file.path() + ")");
  ASSERT_FALSE(schedule.has_value());
  const std::string& error = schedule.error();
  EXPECT_LT(error.size(), 600u) << error.substr(0, 300);
  EXPECT_NE(error.find("line 2: '7777"), std::string::npos) << error;
  EXPECT_NE(error.find("(1000002 bytes)"), std::string::npos) << error;
}

struct MatrixErrorCase {
  std::string content;
  std::string reason;
};

class ScheduleMatrixErrorTest : public ::testing::TestWithParam<MatrixErrorCase> {};

TEST_P(ScheduleMatrixErrorTest, NamesFileLineAndReason) {
  TempFile file(GetParam().content);
  std::string text = "10@matrix(" + file.path() + ")";
  auto schedule = Schedule::Parse("1@1," + text);
  ASSERT_FALSE(schedule.has_value()) << GetParam().content;
  EXPECT_EQ(schedule.error().rfind(
                "--schedule segment 2 '" + text + "': matrix file '" + file.path() + "'", 0),
            0u)
      << schedule.error();
  EXPECT_NE(schedule.error().find(GetParam().reason), std::string::npos)
      << schedule.error() << " lacks " << GetParam().reason;
}

INSTANTIATE_TEST_SUITE_P(
    Schedule, ScheduleMatrixErrorTest,
    ::testing::Values(
        MatrixErrorCase{"", "has no rows"}, MatrixErrorCase{"# only a comment\n\n", "has no rows"},
        MatrixErrorCase{"0,1\n1,2\nabc\n", "line 3: 'abc' is not a 'second,rate' row"},
        MatrixErrorCase{"0,1\n1;2\n", "line 2"}, MatrixErrorCase{"0,1\n1,x\n", "line 2"},
        MatrixErrorCase{"0,1\n1,-2\n", "line 2"}, MatrixErrorCase{"0,1\n1.5,2\n", "line 2"},
        MatrixErrorCase{"-1,1\n", "line 1"},
        MatrixErrorCase{"0,1\n\n5,2\n5,3\n", "line 4: second 5 is not after"},
        MatrixErrorCase{"3,1\n2,2\n", "line 2: second 2 is not after"},
        MatrixErrorCase{"0,1\n8640001,2\n",
                        "line 2: second 8640001s is above the bound of 100 days (8640000s)"},
        MatrixErrorCase{"0,1e300\n", "line 1: rate 1e300 is above the bound of 1e7 events/s"},
        MatrixErrorCase{"0,1e400\n", "line 1: '0,1e400' is not a 'second,rate' row"},
        MatrixErrorCase{"1e300,1\n", "line 1: second 1e300s is above the bound"}));

}  // namespace
}  // namespace pylogen::schedule
