#include "stats/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace pylogen::stats {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kHighest = Histogram::kHighestTrackable;
constexpr std::int64_t kOneHourNs = 3'600'000'000'000;

// Log-uniform values over [1 ns, 1 h]: every bucket size is exercised.
std::vector<std::int64_t> LogUniformValues(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> exponent(0.0,
                                                  std::log(double(kOneHourNs)));
  std::vector<std::int64_t> values(n);
  for (auto& v : values) v = std::llround(std::exp(exponent(rng)));
  return values;
}

Histogram HistogramOf(const std::vector<std::int64_t>& values) {
  Histogram histogram;
  for (const std::int64_t v : values) histogram.Record(v);
  return histogram;
}

// The exact percentile of sorted values, p = per_10000 / 100, in integers.
std::int64_t ExactPercentile(const std::vector<std::int64_t>& sorted,
                             std::uint64_t per_10000) {
  const std::uint64_t n = sorted.size();
  const std::uint64_t rank =
      std::max<std::uint64_t>(1, (per_10000 * n + 9999) / 10000);
  return sorted[rank - 1];
}

TEST(HistogramTest, EmptyReportsZeros) {
  const Histogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.overflow(), 0u);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  for (const double p : {0.0, 50.0, 100.0}) {
    EXPECT_EQ(histogram.ValueAtPercentile(p), 0) << p;
  }
}

TEST(HistogramTest, LayoutFitsTheBudget) {
  EXPECT_EQ(Histogram::kCountsLength, 35840u);
  EXPECT_LT(Histogram::kCountsLength * sizeof(std::uint64_t), 300u * 1024);
  EXPECT_EQ(Histogram::IndexOf(kHighest), Histogram::kCountsLength - 1);
}

TEST(HistogramTest, IndexOfKnownValues) {
  struct Case {
    std::int64_t value;
    std::size_t index;
    std::int64_t lowest;
    std::int64_t highest;
  };
  const Case cases[] = {
      {0, 0, 0, 0},
      {1, 1, 1, 1},
      {2047, 2047, 2047, 2047},  // last exact value
      {2048, 2048, 2048, 2049},  // first bucket of width 2
      {2049, 2048, 2048, 2049},
      {4095, 3071, 4094, 4095},
      {4096, 3072, 4096, 4099},                      // width 4
      {1'000'000, 9216 + 1953, 999'936, 1'000'447},  // bucket 9, width 512
      {kHighest, 35839, kHighest - (std::int64_t{1} << 33) + 1, kHighest},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    const std::size_t index = Histogram::IndexOf(c.value);
    EXPECT_EQ(index, c.index);
    EXPECT_EQ(Histogram::LowestEquivalent(index), c.lowest);
    EXPECT_EQ(Histogram::HighestEquivalent(index), c.highest);
  }
}

// Every index maps back onto itself, buckets tile [0, 2^44) without gap or
// overlap, and each is narrower than 1/1024 of its values.
TEST(HistogramTest, BucketsTileTheRange) {
  std::int64_t next = 0;
  for (std::size_t i = 0; i < Histogram::kCountsLength; ++i) {
    const std::int64_t lowest = Histogram::LowestEquivalent(i);
    const std::int64_t highest = Histogram::HighestEquivalent(i);
    ASSERT_EQ(lowest, next) << i;
    ASSERT_EQ(Histogram::IndexOf(lowest), i);
    ASSERT_EQ(Histogram::IndexOf(highest), i);
    ASSERT_LE((highest - lowest) * 1024, lowest) << i;
    next = highest + 1;
  }
  EXPECT_EQ(next, kHighest + 1);
}

TEST(HistogramTest, SingleValueIsExact) {
  for (const std::int64_t v :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{2049},
        std::int64_t{123'456'789}, kOneHourNs, kHighest}) {
    SCOPED_TRACE(v);
    Histogram histogram;
    histogram.Record(v);
    EXPECT_EQ(histogram.count(), 1u);
    EXPECT_EQ(histogram.min(), v);
    EXPECT_EQ(histogram.max(), v);
    EXPECT_EQ(histogram.mean(), double(v));
    for (const double p : {0.0, 50.0, 99.9, 100.0}) {
      EXPECT_EQ(histogram.ValueAtPercentile(p), v) << p;
    }
  }
}

TEST(HistogramTest, MeanIsExactBeyond64BitSums) {
  Histogram histogram;
  histogram.RecordN(kHighest, std::uint64_t{1} << 40);  // sum ~ 2^84
  EXPECT_EQ(histogram.mean(), double(kHighest));
  histogram.RecordN(1, std::uint64_t{1} << 40);
  EXPECT_EQ(histogram.mean(), double(kHighest + 1) / 2);

  Histogram small;
  for (const std::int64_t v : {1, 2, 3, 4}) small.Record(v);
  EXPECT_EQ(small.mean(), 2.5);
}

TEST(HistogramTest, PercentilesWithinRelativeErrorFrom1nsTo1h) {
  std::vector<std::int64_t> values = LogUniformValues(200'000, 42);
  const Histogram histogram = HistogramOf(values);
  std::sort(values.begin(), values.end());
  for (std::uint64_t per_10000 = 0; per_10000 <= 10000; per_10000 += 10) {
    const std::int64_t exact = ExactPercentile(values, per_10000);
    const std::int64_t got = histogram.ValueAtPercentile(per_10000 / 100.0);
    ASSERT_GE(got, exact) << per_10000;  // highest equivalent, never below
    ASSERT_LE((got - exact) * 1000, exact) << per_10000;
  }
  EXPECT_EQ(histogram.ValueAtPercentile(0), values.front());
  EXPECT_EQ(histogram.ValueAtPercentile(100), values.back());
}

// 99.9 is not exact in binary: 99.9% of 1000 must be rank 999, not 1000.
TEST(HistogramTest, DecimalPercentileHitsTheExactRank) {
  Histogram histogram;
  for (std::int64_t i = 1; i <= 1000; ++i) histogram.Record(i * 1000);
  const struct {
    double p;
    std::int64_t exact;
  } cases[] = {{99.9, 999'000}, {90.0, 900'000}, {50.0, 500'000}, {0.1, 1000}};
  for (const auto& c : cases) {
    const std::int64_t got = histogram.ValueAtPercentile(c.p);
    EXPECT_GE(got, c.exact) << c.p;
    EXPECT_LE((got - c.exact) * 1000, c.exact) << c.p << " gave " << got;
  }
}

TEST(HistogramTest, PercentileArgumentIsClamped) {
  Histogram histogram;
  for (const std::int64_t v : {10, 20, 30}) histogram.Record(v);
  EXPECT_EQ(histogram.ValueAtPercentile(-5), 10);
  EXPECT_EQ(histogram.ValueAtPercentile(std::nan("")), 10);
  EXPECT_EQ(histogram.ValueAtPercentile(150), 30);
  EXPECT_EQ(histogram.ValueAtPercentile(50), 20);
}

TEST(HistogramTest, ZeroAndNegativeRecordAsZero) {
  Histogram histogram;
  for (const std::int64_t v : {std::int64_t{0}, std::int64_t{-5},
                               std::numeric_limits<std::int64_t>::min()}) {
    histogram.Record(v);
  }
  histogram.RecordN(-1, 2);
  EXPECT_EQ(histogram.count(), 5u);
  EXPECT_EQ(histogram.overflow(), 0u);
  EXPECT_EQ(histogram.min(), 0);
  EXPECT_EQ(histogram.max(), 0);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.ValueAtPercentile(100), 0);
}

TEST(HistogramTest, HugeValuesClampAndCountOverflow) {
  Histogram histogram;
  histogram.Record(1000);
  histogram.Record(kHighest);  // in range: not an overflow
  histogram.Record(kHighest + 1);
  histogram.Record(std::numeric_limits<std::int64_t>::max());
  histogram.RecordN(std::int64_t{1} << 50, 3);
  EXPECT_EQ(histogram.count(), 7u);
  EXPECT_EQ(histogram.overflow(), 5u);
  EXPECT_EQ(histogram.max(), kHighest);
  EXPECT_EQ(histogram.ValueAtPercentile(100), kHighest);
  EXPECT_EQ(histogram.ValueAtPercentile(50), kHighest);
  EXPECT_EQ(histogram.ValueAtPercentile(1), 1000);
  EXPECT_EQ(histogram.mean(), (1000 + 6 * double(kHighest)) / 7);
}

TEST(HistogramTest, RecordNEqualsRepeatedRecord) {
  Histogram once;
  Histogram repeated;
  once.RecordN(777'777, 5);
  once.RecordN(3, 0);  // no-op: must not move min
  for (int i = 0; i < 5; ++i) repeated.Record(777'777);
  EXPECT_EQ(once, repeated);
  EXPECT_EQ(once.min(), 777'777);
}

TEST(HistogramTest, MergeEqualsRecordingEverything) {
  const std::vector<std::int64_t> values = LogUniformValues(50'000, 7);
  Histogram all = HistogramOf(values);
  all.Record(kHighest + 9);
  Histogram low;
  Histogram high;
  for (const std::int64_t v : values) (v < 1'000'000 ? low : high).Record(v);
  high.Record(kHighest + 9);

  Histogram merged;
  merged.Merge(high);
  merged.Merge(Histogram());  // an empty one changes nothing
  merged.Merge(low);
  EXPECT_EQ(merged, all);
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.overflow(), 1u);
  EXPECT_EQ(merged.ValueAtPercentile(99), all.ValueAtPercentile(99));
  EXPECT_NE(low, all);  // the comparison does see the difference
}

TEST(HistogramTest, ResetEqualsFresh) {
  Histogram histogram = HistogramOf(LogUniformValues(1000, 3));
  histogram.Record(-1);
  histogram.Record(kHighest + 1);
  histogram.Reset();
  EXPECT_EQ(histogram, Histogram());
  histogram.Record(5);
  EXPECT_EQ(histogram.min(), 5);
  EXPECT_EQ(histogram.ValueAtPercentile(50), 5);
}

TEST(HistogramTest, JsonRoundTripIsLossless) {
  Histogram histogram = HistogramOf(LogUniformValues(20'000, 11));
  histogram.Record(-3);
  histogram.RecordN(kHighest + 1, std::uint64_t{1} << 62);  // sum > 2^64
  const Json json = histogram.ToJson();
  EXPECT_EQ(json["version"], 1);
  EXPECT_TRUE(json["sum"].is_string());
  EXPECT_LT(json["buckets"].size(), 20'002u);  // sparse

  const auto parsed = Histogram::FromJson(Json::parse(json.dump()));
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(*parsed, histogram);
  const auto in_memory = Histogram::FromJson(json);  // signed ints, not parsed
  ASSERT_TRUE(in_memory.has_value()) << in_memory.error();
  EXPECT_EQ(*in_memory, histogram);

  const auto empty = Histogram::FromJson(Histogram().ToJson());
  ASSERT_TRUE(empty.has_value()) << empty.error();
  EXPECT_EQ(*empty, Histogram());
}

TEST(HistogramTest, FromJsonRejectsInvalidInput) {
  Histogram source;
  for (const std::int64_t v : {100, 5000, 70'000}) source.Record(v);
  const Json valid = source.ToJson();
  ASSERT_TRUE(Histogram::FromJson(valid).has_value());  // mutations matter

  const struct {
    const char* name;
    std::function<void(Json&)> mutate;
    const char* error;
  } cases[] = {
      {"non-object",
       [](Json& j) {
         j = Json::array({1, 2});
       },
       "expected an object"},
      {"wrong version", [](Json& j) { j["version"] = 2; },
       "unsupported version 2"},
      {"missing version", [](Json& j) { j.erase("version"); }, "\"version\""},
      {"index out of range",
       [](Json& j) {
         j["buckets"].push_back(Json::array({35840, 1}));
       },
       "index 35840 out of range"},
      {"counts do not sum to count", [](Json& j) { j["count"] = 4; },
       "sum to 3 but count is 4"},
      {"negative count", [](Json& j) { j["count"] = -3; }, "\"count\""},
      {"float count", [](Json& j) { j["count"] = 3.0; }, "\"count\""},
      {"sum not decimal", [](Json& j) { j["sum"] = "7510x"; }, "\"sum\""},
      {"sum as number", [](Json& j) { j["sum"] = 75100; }, "\"sum\""},
      {"bucket not a pair", [](Json& j) { j["buckets"][0] = Json::array({1}); },
       "[index, count]"},
      {"buckets not an array", [](Json& j) { j["buckets"] = 3; },
       "\"buckets\""},
      {"duplicate index",
       [](Json& j) { j["buckets"].push_back(j["buckets"][2]); },
       "must increase"},
      {"min beyond range", [](Json& j) { j["min"] = std::int64_t{1} << 44; },
       "\"min\""},
      {"min off its bucket", [](Json& j) { j["min"] = 50; }, "min 50"},
      {"min above max", [](Json& j) { j["min"] = 90'000; }, "above max"},
      {"overflow off the last bucket", [](Json& j) { j["overflow"] = 1; },
       "overflow 1"},
      {"sum out of range", [](Json& j) { j["sum"] = "1"; }, "sum 1 is outside"},
      {"empty with a max",
       [](Json& j) {
         j = Histogram().ToJson();
         j["max"] = 5;
       },
       "count is 0"},
  };
  for (const auto& c : cases) {
    Json json = valid;
    c.mutate(json);
    const auto result = Histogram::FromJson(json);
    ASSERT_FALSE(result.has_value()) << c.name;
    EXPECT_NE(result.error().find(c.error), std::string::npos)
        << c.name << ": " << result.error();
  }
}

}  // namespace
}  // namespace pylogen::stats
