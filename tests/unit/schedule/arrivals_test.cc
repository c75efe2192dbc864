#include "schedule/arrivals.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "schedule/schedule.h"

namespace pylogen::schedule {
namespace {

Schedule MustParse(const std::string& text) {
  auto schedule = Schedule::Parse(text);
  EXPECT_TRUE(schedule.has_value()) << text << ": " << schedule.error();
  return schedule.value_or(*Schedule::Parse("1@0"));
}

std::vector<double> AllDueTimes(const Schedule& schedule, ArrivalMode mode = ArrivalMode::kUniform,
                                std::uint64_t seed = 1) {
  Arrivals arrivals(schedule, mode, seed);
  std::vector<double> times;
  while (auto t = arrivals.Next()) times.push_back(*t);
  return times;
}

// Events with due time in [a, b).
double CountIn(const std::vector<double>& times, double a, double b) {
  return static_cast<double>(std::lower_bound(times.begin(), times.end(), b) -
                             std::lower_bound(times.begin(), times.end(), a));
}

// ---- Uniform: the count over any window is the integral within +-1.

class ArrivalsUniformTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ArrivalsUniformTest, CountOverAnyWindowIsTheIntegral) {
  Schedule schedule = MustParse(GetParam());
  std::vector<double> times = AllDueTimes(schedule);
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end())) << GetParam();
  EXPECT_EQ(times.size(), static_cast<std::size_t>(std::floor(schedule.Total() + 1e-9)));
  ASSERT_FALSE(times.empty());
  EXPECT_GT(times.front(), 0);
  EXPECT_LE(times.back(), schedule.duration_s() + 1e-9);

  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> when(-1, schedule.duration_s() + 1);
  std::vector<std::pair<double, double>> windows;
  for (int i = 0; i < 3000; ++i) {
    double a = when(rng), b = when(rng);
    windows.emplace_back(std::min(a, b), std::max(a, b));
  }
  // Windows on and around every segment boundary, and short ones.
  for (double boundary = 0; boundary <= schedule.duration_s(); boundary += 0.5) {
    windows.emplace_back(boundary - 0.25, boundary + 0.25);
    windows.emplace_back(boundary, boundary + 1);
    windows.emplace_back(boundary - 1, boundary);
    windows.emplace_back(boundary, boundary + 0.001);
  }
  for (auto [a, b] : windows) {
    double expected = schedule.IntegralTo(b) - schedule.IntegralTo(a);
    EXPECT_NEAR(CountIn(times, a, b), expected, 1 + 1e-9)
        << GetParam() << " window [" << a << ", " << b << ")";
  }
}

TEST_P(ArrivalsUniformTest, KthEventIsWhereTheIntegralReachesK) {
  Schedule schedule = MustParse(GetParam());
  std::vector<double> times = AllDueTimes(schedule);
  for (std::size_t k = 1; k <= times.size(); k += 7) {
    EXPECT_NEAR(schedule.IntegralTo(times[k - 1]), static_cast<double>(k), 1e-6)
        << GetParam() << " event " << k;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Arrivals, ArrivalsUniformTest,
    ::testing::Values("20@7.3", "20@3-40", "20@40-3", "20@sawtooth(3,50)", "20@triangle(4,30)",
                      "20@staircase(2,3)", "20@staircase(1,2,7)", "20@invstaircase(2,5,40)",
                      "20@invstaircase(2,5,40,10)", "20@bursts(1.5,0.5,60)", "20@sine(20,15,3)",
                      "20@sine(5,20,3)", "20@sawtooth(0.01,3000)",
                      "3@5,2@0,4@10-1,5@sawtooth(1,30),3@sine(4,8,2),2@bursts(0.3,0.2,40)",
                      "0.5@3,0.5@0.5,0.5@7,0.5@0,0.5@2.2,0.5@9.1"));

TEST(ArrivalsUniformTest, MatrixCountIsTheIntegral) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("pylogen_arrivals_test_" + std::to_string(::getpid()) + ".csv"))
                         .string();
  std::ofstream(path) << "2,0\n5,10\n10,5\n12,30\n20,2\n";
  Schedule schedule = MustParse("1@3,25@matrix(" + path + "),2@4");
  std::remove(path.c_str());
  std::vector<double> times = AllDueTimes(schedule);
  EXPECT_EQ(times.size(), static_cast<std::size_t>(std::floor(schedule.Total() + 1e-9)));
  for (double a = -0.5; a < schedule.duration_s(); a += 0.25) {
    for (double width : {0.3, 1.0, 4.7}) {
      double expected = schedule.IntegralTo(a + width) - schedule.IntegralTo(a);
      EXPECT_NEAR(CountIn(times, a, a + width), expected, 1 + 1e-9) << a << " +" << width;
    }
  }
}

TEST(ArrivalsUniformTest, PylogenSampleGivesFourteenEventsTheLastAtFifty) {
  std::vector<double> times = AllDueTimes(MustParse("5@1,10@0.1,5@1,30@0.1"));
  const std::vector<double> expected = {1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20, 30, 40, 50};
  ASSERT_EQ(times.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(times[i], expected[i], 1e-9) << i;
}

TEST(ArrivalsUniformTest, PonosWeakCaseKeepsTheLowIntensity) {
  // 0.5/s and 4/s alternating each second: ponos gives 0.8/s in the low seconds.
  std::string text;
  for (int i = 0; i < 10; ++i) text += std::string(i ? "," : "") + (i % 2 ? "1@4" : "1@0.5");
  Schedule schedule = MustParse(text);
  EXPECT_DOUBLE_EQ(schedule.Total(), 22.5);
  std::vector<double> times = AllDueTimes(schedule);
  EXPECT_GE(times.size(), 22u);
  EXPECT_LE(times.size(), 23u);
  double low = 0;
  for (int second = 0; second < 10; second += 2) low += CountIn(times, second, second + 1);
  EXPECT_GE(low, 2);
  EXPECT_LE(low, 3);
}

TEST(ArrivalsUniformTest, SawtoothAboveAThousandPerSecondIsExact) {
  Schedule schedule = MustParse("10@sawtooth(5,2000)");
  std::vector<double> times = AllDueTimes(schedule);
  EXPECT_NEAR(static_cast<double>(times.size()), 10000, 1);
  // The first period's last second alone is 1800/s on average.
  EXPECT_NEAR(CountIn(times, 4, 5), schedule.IntegralTo(5) - schedule.IntegralTo(4), 1);
}

TEST(ArrivalsUniformTest, ZeroRateSegmentsEmitNothingAndDoNotStall) {
  Schedule schedule = MustParse("3@0,2@5,3@0,2@5,4@0");
  Arrivals arrivals(schedule, ArrivalMode::kUniform, 1);
  std::vector<double> times;
  while (auto t = arrivals.Next()) times.push_back(*t);
  ASSERT_EQ(times.size(), 20u);
  EXPECT_NEAR(times.front(), 3.2, 1e-12);
  EXPECT_NEAR(times[9], 5, 1e-12);
  EXPECT_NEAR(times[10], 8.2, 1e-12);
  EXPECT_NEAR(times.back(), 10, 1e-12);
  EXPECT_EQ(CountIn(times, 5.000001, 8.2), 0);
  EXPECT_FALSE(arrivals.Next().has_value());  // and stays over
  EXPECT_FALSE(arrivals.Next().has_value());

  EXPECT_FALSE(Arrivals(MustParse("5@0"), ArrivalMode::kUniform, 1).Next().has_value());
  EXPECT_FALSE(Arrivals(MustParse("5@0"), ArrivalMode::kPoisson, 1).Next().has_value());
  std::vector<double> poisson = AllDueTimes(schedule, ArrivalMode::kPoisson, 3);
  EXPECT_EQ(CountIn(poisson, 0, 3) + CountIn(poisson, 5, 8) + CountIn(poisson, 10, 14), 0);
}

TEST(ArrivalsUniformTest, RoundedSumsDoNotPushAnEventPastAZeroGap) {
  // 0.06 + 0.57 + 0.37 sums to just under 1 in doubles; the first event is
  // still the end of the third second, not after the 5 s at 0.
  std::vector<double> times = AllDueTimes(MustParse("1@0.06,1@0.57,1@0.37,5@0,1@1"));
  ASSERT_EQ(times.size(), 2u);
  EXPECT_NEAR(times[0], 3, 1e-9);
  EXPECT_NEAR(times[1], 9, 1e-9);

  std::string path = (std::filesystem::temp_directory_path() /
                      ("pylogen_arrivals_gap_" + std::to_string(::getpid()) + ".csv"))
                         .string();
  std::ofstream(path) << "0,0.06\n1,0.57\n2,0.37\n3,0\n8,0\n9,1\n";
  Schedule matrix = MustParse("10@matrix(" + path + ")");
  std::remove(path.c_str());
  times = AllDueTimes(matrix);
  ASSERT_EQ(times.size(), 2u);
  EXPECT_NEAR(times[0], 3, 1e-9);
  EXPECT_NEAR(times[1], 10, 1e-9);
}

TEST(ArrivalsUniformTest, CurrentRateIsTheRateAtTheLastDueTime) {
  Arrivals arrivals(MustParse("2@5,2@10-20"), ArrivalMode::kUniform, 1);
  EXPECT_EQ(arrivals.current_rate(), 0);
  arrivals.Next();
  EXPECT_DOUBLE_EQ(arrivals.current_rate(), 5);
  while (arrivals.count() < 15) arrivals.Next();  // 15th: integral 15 -> 2 + 0.4.. s in the ramp
  EXPECT_GT(arrivals.current_rate(), 10);
  EXPECT_LT(arrivals.current_rate(), 20);
}

// ---- Poisson.

TEST(ArrivalsPoissonTest, ConstantRateGivesExponentialSpacing) {
  std::vector<double> times = AllDueTimes(MustParse("100@1000"), ArrivalMode::kPoisson, 12345);
  ASSERT_GT(times.size(), 90000u);
  double previous = 0, sum = 0, sum_squares = 0;
  for (double t : times) {
    double gap = t - previous;
    previous = t;
    sum += gap;
    sum_squares += gap * gap;
  }
  double n = static_cast<double>(times.size());
  double mean = sum / n;
  double variance = sum_squares / n - mean * mean;
  EXPECT_NEAR(mean, 1e-3, 0.02e-3);
  EXPECT_NEAR(variance, mean * mean, 0.05 * mean * mean);
  EXPECT_NEAR(n, 100000, 5 * std::sqrt(100000.0));
}

TEST(ArrivalsPoissonTest, FollowsTheInstantaneousRate) {
  Schedule schedule = MustParse("50@10,50@1000,20@0-500");
  std::vector<double> times = AllDueTimes(schedule, ArrivalMode::kPoisson, 99);
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end()));
  for (auto [a, b] : {std::pair{0.0, 50.0}, {50.0, 100.0}, {100.0, 110.0}, {110.0, 120.0}}) {
    double expected = schedule.IntegralTo(b) - schedule.IntegralTo(a);
    EXPECT_NEAR(CountIn(times, a, b), expected, 5 * std::sqrt(expected)) << a << ".." << b;
  }
}

TEST(ArrivalsPoissonTest, SameSeedSameSequenceOtherSeedOtherSequence) {
  Schedule schedule = MustParse("10@sine(200,100,3)");
  std::vector<double> first = AllDueTimes(schedule, ArrivalMode::kPoisson, 7);
  std::vector<double> again = AllDueTimes(schedule, ArrivalMode::kPoisson, 7);
  std::vector<double> other = AllDueTimes(schedule, ArrivalMode::kPoisson, 8);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(other.empty());
  EXPECT_NE(first.front(), other.front());
}

// ---- TakeInSegment.

TEST(ArrivalsTakeTest, UniformTakesTheRestOfTheSegmentOnly) {
  Schedule schedule = MustParse("1@3,2@0,1@2");  // 3 events, none, 2 events
  Arrivals arrivals(schedule, ArrivalMode::kUniform, 1);
  EXPECT_EQ(arrivals.TakeInSegment(5), 0u);  // before the first event
  ASSERT_TRUE(arrivals.Next());
  EXPECT_EQ(arrivals.TakeInSegment(1), 1u);
  EXPECT_EQ(arrivals.TakeInSegment(100), 1u);  // the segment's third and last
  EXPECT_EQ(arrivals.TakeInSegment(100), 0u);
  auto fourth = arrivals.Next();
  ASSERT_TRUE(fourth);
  EXPECT_GE(*fourth, 3.0);  // in the third segment
  EXPECT_EQ(arrivals.TakeInSegment(100), 1u);
  EXPECT_FALSE(arrivals.Next());
  EXPECT_EQ(arrivals.count(), 5u);
}

// Taking ahead changes nothing of the events after: the same sequence as
// Next() alone, minus the ones taken.
TEST(ArrivalsTakeTest, PoissonKeepsTheSequenceAndStopsAtTheSegment) {
  Schedule schedule = MustParse("2@50,3@20");
  std::vector<double> all = AllDueTimes(schedule, ArrivalMode::kPoisson, 7);
  Arrivals arrivals(schedule, ArrivalMode::kPoisson, 7);
  std::size_t index = 0;
  std::uint64_t in_first = 0;
  while (auto due = arrivals.Next()) {
    ASSERT_LT(index, all.size());
    EXPECT_DOUBLE_EQ(*due, all[index]);
    std::uint64_t taken = arrivals.TakeInSegment(3);
    for (std::uint64_t k = 0; k <= taken; ++k) {
      ASSERT_LT(index + k, all.size());
      // What a burst takes is in the segment of its first event.
      EXPECT_EQ(all[index + k] < 2, *due < 2) << index + k;
      if (all[index + k] < 2) ++in_first;
    }
    index += taken + 1;
  }
  EXPECT_EQ(index, all.size());
  EXPECT_EQ(arrivals.count(), all.size());
  EXPECT_EQ(in_first,
            static_cast<std::uint64_t>(std::ranges::count_if(all, [](double t) { return t < 2; })));
}

TEST(ArrivalsTakeTest, UniformTakesTwoToTheThirtyTwoAtOnce) {
  Schedule schedule = MustParse("429.4967296@1e7");  // exactly 2^32 events
  Arrivals arrivals(schedule, ArrivalMode::kUniform, 1);
  ASSERT_TRUE(arrivals.Next());
  EXPECT_EQ(arrivals.TakeInSegment(~std::uint64_t{0}), 4294967295u);
  EXPECT_FALSE(arrivals.Next());
  EXPECT_EQ(arrivals.count(), 4294967296u);
}

// ---- Bursts.

std::vector<std::uint32_t> Sizes(const std::string& text, int instants, double rate = 100,
                                 std::uint64_t seed = 5) {
  auto planner = BurstPlanner::Parse(text, seed);
  EXPECT_TRUE(planner.has_value()) << text << ": " << planner.error();
  std::vector<std::uint32_t> sizes;
  for (int i = 0; i < instants && planner; ++i) sizes.push_back(planner->Size(rate));
  return sizes;
}

TEST(BurstPlannerTest, OneIsNoBurst) {
  for (const char* text : {"1", "f1"}) {
    auto sizes = Sizes(text, 1000);
    EXPECT_TRUE(std::ranges::all_of(sizes, [](std::uint32_t n) { return n == 1; })) << text;
  }
}

TEST(BurstPlannerTest, FixedIsAlwaysN) {
  EXPECT_EQ(Sizes("f3", 4), (std::vector<std::uint32_t>{3, 3, 3, 3}));
  EXPECT_EQ(Sizes("f4294967295", 2, 0.01), (std::vector<std::uint32_t>{4294967295u, 4294967295u}));
  EXPECT_EQ(BurstPlanner::Parse("f7", 1)->fixed_size(), 7u);
  EXPECT_EQ(BurstPlanner::Parse("7", 1)->fixed_size(), 0u);
}

TEST(BurstPlannerTest, RandomUpToNIsUniform) {
  auto sizes = Sizes("5", 100000);
  std::vector<int> seen(6, 0);
  for (std::uint32_t n : sizes) {
    ASSERT_GE(n, 1u);
    ASSERT_LE(n, 5u);
    ++seen[n];
  }
  for (int n = 1; n <= 5; ++n) EXPECT_NEAR(seen[n] / 100000.0, 0.2, 0.02) << n;
  EXPECT_EQ(Sizes("5", 1000, 100, 9), Sizes("5", 1000, 100, 9));
  EXPECT_NE(Sizes("5", 1000, 100, 9), Sizes("5", 1000, 100, 10));
}

TEST(BurstPlannerTest, ZeroUsesTheCurrentRateAsMax) {
  struct Case {
    double rate;
    std::uint32_t max;
  };
  for (Case c : {Case{3.4, 3}, Case{0.2, 1}, Case{0, 1}, Case{40, 40}, Case{2.5, 3}}) {
    auto sizes = Sizes("0", 20000, c.rate);
    std::set<std::uint32_t> distinct(sizes.begin(), sizes.end());
    EXPECT_EQ(*distinct.begin(), 1u) << c.rate;
    EXPECT_EQ(*distinct.rbegin(), c.max) << c.rate;
  }
}

struct BadBurst {
  std::string text;
  std::string reason;
};

class BurstPlannerErrorTest : public ::testing::TestWithParam<BadBurst> {};

TEST_P(BurstPlannerErrorTest, IsRefusedWithWhatIsExpected) {
  const BadBurst& c = GetParam();
  auto planner = BurstPlanner::Parse(c.text, 1);
  ASSERT_FALSE(planner.has_value()) << "'" << c.text << "'";
  const std::string& error = planner.error();
  EXPECT_EQ(error.rfind("--burst: '" + c.text + "' " + c.reason, 0), 0u) << error;
  EXPECT_NE(error.find("fN for always N, with N an integer from 1 to 4294967295"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, BurstPlannerErrorTest,
    ::testing::Values(BadBurst{"fx", "is not a burst"}, BadBurst{"f", "has no N after 'f'"},
                      BadBurst{"", "is empty"}, BadBurst{"n-1", "is not a burst"},
                      BadBurst{"f0", "is a fixed burst of no event"},
                      BadBurst{" 3", "is not a burst"}, BadBurst{"3 ", "is not a burst"},
                      BadBurst{"f 3", "is not a burst"},
                      BadBurst{"f4294967296", "is above the bound of 4294967295"},
                      BadBurst{"4294967296", "is above the bound of 4294967295"},
                      BadBurst{"99999999999999999999999", "is above the bound"},
                      BadBurst{"x", "is not a burst"}, BadBurst{"-1", "is not a burst"},
                      BadBurst{"1.5", "is not a burst"}, BadBurst{"f-1", "is not a burst"},
                      BadBurst{"ff2", "is not a burst"}, BadBurst{"+2", "is not a burst"},
                      BadBurst{"2x", "is not a burst"}, BadBurst{"F2", "is not a burst"},
                      BadBurst{"0x10", "is not a burst"}, BadBurst{"1e3", "is not a burst"}));

TEST(BurstPlannerTest, LongValueIsEchoedCut) {
  std::string text(1'000'000, '7');
  auto planner = BurstPlanner::Parse("f" + text + "x", 1);
  ASSERT_FALSE(planner.has_value());
  EXPECT_LT(planner.error().size(), 400u) << planner.error().size();
  EXPECT_NE(planner.error().find("(1000002 bytes)"), std::string::npos) << planner.error();
}

// ---- CheckBurst: a burst against its schedule.

TEST(CheckBurstTest, FixedBurstAboveTheLargestSegmentIsRefused) {
  auto checked = CheckBurst(MustParse("0.2@5"), "f4294967295");
  ASSERT_FALSE(checked.has_value());
  EXPECT_EQ(checked.error(),
            "--burst f4294967295: a burst of 4294967295 events is more than the 1 event(s) of the "
            "schedule's largest segment (segment 1 '0.2@5'); a burst takes events of its own "
            "segment only");
  auto two = CheckBurst(MustParse("1@2,1@3.5,2@1"), "f4");
  ASSERT_FALSE(two.has_value());
  EXPECT_NE(two.error().find(
                "more than the 3 event(s) of the schedule's largest segment (segment 2 '1@3.5')"),
            std::string::npos)
      << two.error();
}

TEST(CheckBurstTest, BurstsWithinTheLargestSegmentAndRandomOnesPass) {
  Schedule schedule = MustParse("1@2,1@3.5,2@1");
  for (const char* burst : {"f3", "f2", "f1", "1", "0", "4294967295", "1000"}) {
    EXPECT_TRUE(CheckBurst(schedule, burst).has_value()) << burst;
  }
  EXPECT_TRUE(CheckBurst(MustParse("10@0"), "f1").has_value());
  EXPECT_FALSE(CheckBurst(MustParse("10@0"), "f2").has_value());
  EXPECT_FALSE(CheckBurst(schedule, "fx").has_value());
}

TEST(CheckBurstTest, ParseScheduleWithBurstGivesTheFirstError) {
  auto bad_schedule = ParseScheduleWithBurst("10@oops", "fx");
  ASSERT_FALSE(bad_schedule.has_value());
  EXPECT_EQ(bad_schedule.error().rfind("--schedule segment 1 '10@oops'", 0), 0u)
      << bad_schedule.error();
  auto bad_burst = ParseScheduleWithBurst("10@1", "fx");
  ASSERT_FALSE(bad_burst.has_value());
  EXPECT_EQ(bad_burst.error().rfind("--burst: 'fx'", 0), 0u) << bad_burst.error();
  auto ok = ParseScheduleWithBurst("10@1", "f10");
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_DOUBLE_EQ(ok->Total(), 10);
}

// ---- Emissions: bursts pulled from their own segment.

struct Emitted {
  double due;
  std::uint64_t count;
};

std::vector<Emitted> AllEmissions(const std::string& schedule, const std::string& burst,
                                  ArrivalMode mode = ArrivalMode::kUniform,
                                  std::uint64_t max = 1'000'000) {
  Emissions emissions(MustParse(schedule), mode, 3, *BurstPlanner::Parse(burst, 4));
  std::vector<Emitted> out;
  while (auto due = emissions.next_due()) out.push_back({*due, emissions.Take(max)});
  return out;
}

std::uint64_t Sum(const std::vector<Emitted>& emitted) {
  std::uint64_t sum = 0;
  for (const Emitted& e : emitted) sum += e.count;
  return sum;
}

TEST(EmissionsTest, FixedBurstsGroupTheEventsOfASegment) {
  auto emitted = AllEmissions("1@9", "f3");
  ASSERT_EQ(emitted.size(), 3u);
  for (const Emitted& e : emitted) EXPECT_EQ(e.count, 3u);
  EXPECT_DOUBLE_EQ(emitted[0].due, 1.0 / 9);
  EXPECT_DOUBLE_EQ(emitted[1].due, 4.0 / 9);
}

TEST(EmissionsTest, ABurstNeverExceedsTheEventsOfItsSegment) {
  auto one = AllEmissions("0.2@5", "f4294967295");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].count, 1u);
  // 3 events, none, 2: a burst is cut at its segment's end, the next starts there.
  auto emitted = AllEmissions("1@3,2@0,1@2", "f5");
  ASSERT_EQ(emitted.size(), 2u);
  EXPECT_EQ(emitted[0].count, 3u);
  EXPECT_LT(emitted[0].due, 1);
  EXPECT_EQ(emitted[1].count, 2u);
  EXPECT_GE(emitted[1].due, 3);
}

TEST(EmissionsTest, RandomBurstsAddUpToTheScheduleInEveryMode) {
  for (ArrivalMode mode : {ArrivalMode::kUniform, ArrivalMode::kPoisson}) {
    for (const char* burst : {"0", "7", "4294967295", "f2"}) {
      const std::string schedule = "3@40,1@0,2@100-10,1@sawtooth(0.5,30)";
      std::uint64_t events = AllDueTimes(MustParse(schedule), mode, 3).size();
      auto emitted = AllEmissions(schedule, burst, mode);
      EXPECT_EQ(Sum(emitted), events) << burst;
      for (std::size_t i = 1; i < emitted.size(); ++i) {
        EXPECT_GE(emitted[i].due, emitted[i - 1].due) << burst << " " << i;
      }
    }
  }
}

// A bounded Take splits a burst into chunks due at the same time.
TEST(EmissionsTest, BoundedTakesSplitABurst) {
  auto emitted = AllEmissions("1@10", "f7", ArrivalMode::kUniform, 3);
  std::vector<std::uint64_t> counts;
  for (const Emitted& e : emitted) counts.push_back(e.count);
  EXPECT_EQ(counts, (std::vector<std::uint64_t>{3, 3, 1, 3}));
  EXPECT_DOUBLE_EQ(emitted[0].due, emitted[2].due);
  EXPECT_DOUBLE_EQ(emitted[3].due, 0.8);
}

// ---- The events a schedule plans: what the summary calls scheduled.

TEST(PlannedEventsTest, UniformIsTheCountOfArrivals) {
  for (const char* text : {"2@10", "5@5", "0.5@40,0.5@0,0.5@6", "1@2.5", "0.7@3.3",
                           "3@40,1@0,2@100-10,1@sawtooth(0.5,30)", "2@sine(10,8,1)", "1@0"}) {
    Schedule schedule = MustParse(text);
    std::uint64_t events = AllDueTimes(schedule, ArrivalMode::kUniform, 3).size();
    EXPECT_EQ(PlannedEvents(schedule, ArrivalMode::kUniform), events) << text;
  }
  EXPECT_EQ(PlannedEvents(MustParse("5@5"), ArrivalMode::kUniform), 25u);
  EXPECT_EQ(PlannedEvents(MustParse("0.5@40,0.5@0,0.5@6"), ArrivalMode::kUniform), 23u);
  EXPECT_EQ(PlannedEvents(Schedule(), ArrivalMode::kUniform), 0u);
}

TEST(PlannedEventsTest, PoissonIsTheExpectedCount) {
  EXPECT_EQ(PlannedEvents(MustParse("1@200"), ArrivalMode::kPoisson), 200u);
  EXPECT_EQ(PlannedEvents(MustParse("1@2.6"), ArrivalMode::kPoisson), 3u);
  EXPECT_EQ(PlannedEvents(MustParse("1@2.4"), ArrivalMode::kPoisson), 2u);
  EXPECT_EQ(PlannedEvents(MustParse("1@0"), ArrivalMode::kPoisson), 0u);
}

}  // namespace
}  // namespace pylogen::schedule
