#include "stats/histogram.h"

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

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

// ---- The compact storage against the dense layout it replaced ----

// The old dense histogram, reduced to what the comparison needs: one counter
// per index of the same layout, the same rank rule and clamping.
class DenseReference {
 public:
  void Record(std::int64_t value_ns) {
    const std::int64_t v = std::clamp<std::int64_t>(value_ns, 0, kHighest);
    overflow_ += value_ns > kHighest;
    ++counts_[Histogram::IndexOf(v)];
    ++count_;
    sum_ += static_cast<std::uint64_t>(v);
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  void RecordN(std::int64_t value_ns, std::uint64_t n) {
    const std::int64_t v = std::clamp<std::int64_t>(value_ns, 0, kHighest);
    if (value_ns > kHighest) overflow_ += n;
    counts_[Histogram::IndexOf(v)] += n;
    count_ += n;
    sum_ += static_cast<unsigned __int128>(v) * n;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  void Merge(const DenseReference& other) {
    for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    overflow_ += other.overflow_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  std::int64_t ValueAtPercentile(double p) const {
    if (count_ == 0) return 0;
    const double fraction = std::clamp(p, 0.0, 100.0) / 100;
    const double rank = std::ceil(fraction * double(count_) * (1.0 - 1e-12));
    const std::uint64_t r =
        rank >= double(count_)
            ? count_
            : std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rank));
    std::size_t i = 0;
    std::uint64_t seen = counts_[0];
    while (seen < r) seen += counts_[++i];
    return std::clamp(Histogram::HighestEquivalent(i), min_, max_);
  }
  Json Buckets() const {
    Json buckets = Json::array();
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) buckets.push_back(Json::array({i, counts_[i]}));
    }
    return buckets;
  }
  std::uint64_t count() const { return count_; }
  std::uint64_t overflow() const { return overflow_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return max_; }
  double mean() const {
    return count_ == 0 ? 0.0
                       : double(static_cast<long double>(sum_) / count_);
  }

 private:
  std::vector<std::uint64_t> counts_ =
      std::vector<std::uint64_t>(Histogram::kCountsLength, 0);
  std::uint64_t count_ = 0, overflow_ = 0;
  std::int64_t min_ = kHighest + 1, max_ = 0;
  __extension__ unsigned __int128 sum_ = 0;
};

const double kPercentilesToCompare[] = {0,    0.001, 0.1,   1,     10,   25,
                                        33.3, 50,    66.67, 75,    90,   95,
                                        99,   99.5,  99.9,  99.99, 99.999, 100};

void ExpectSameAsReference(const Histogram& h, const DenseReference& ref,
                           const std::string& what) {
  EXPECT_EQ(h.count(), ref.count()) << what;
  EXPECT_EQ(h.overflow(), ref.overflow()) << what;
  EXPECT_EQ(h.min(), ref.min()) << what;
  EXPECT_EQ(h.max(), ref.max()) << what;
  EXPECT_EQ(h.mean(), ref.mean()) << what;
  for (const double p : kPercentilesToCompare) {
    EXPECT_EQ(h.ValueAtPercentile(p), ref.ValueAtPercentile(p))
        << what << " p" << p;
  }
  EXPECT_EQ(h.ToJson()["buckets"], ref.Buckets()) << what;
}

struct ValueSet {
  std::string name;
  std::vector<std::int64_t> values;
  bool blocks;  // the storage form expected after recording them
};

std::vector<ValueSet> ValueSets() {
  std::mt19937_64 rng(12);
  std::vector<ValueSet> sets;
  sets.push_back({"600 log-uniform over 1 ns..1 h", LogUniformValues(600, 1),
                  false});
  sets.push_back({"200k log-uniform over 1 ns..1 h",
                  LogUniformValues(200'000, 2), true});
  std::normal_distribution<double> service(5e6, 2e4);  // 5 ms +- 20 us
  std::vector<std::int64_t> narrow(100'000);
  for (auto& v : narrow) v = std::llround(service(rng));
  sets.push_back({"100k around 5 ms", narrow, true});
  std::vector<std::int64_t> exact(5000);
  for (auto& v : exact) v = std::int64_t(rng() % 2048);
  sets.push_back({"5000 below 2048 (exact buckets)", exact, true});
  std::vector<std::int64_t> few = {7, 7, 7, 3000, 5'000'000, 5'000'001,
                                   -4, kHighest + 10, 123'456'789};
  sets.push_back({"a few, clamped included", few, false});
  return sets;
}

TEST(HistogramCompactTest, SameFiguresAsTheDenseLayout) {
  for (const ValueSet& set : ValueSets()) {
    Histogram h;
    DenseReference ref;
    for (const std::int64_t v : set.values) {
      h.Record(v);
      ref.Record(v);
    }
    EXPECT_EQ(h.uses_blocks(), set.blocks) << set.name;
    ExpectSameAsReference(h, ref, set.name);
  }
}

TEST(HistogramCompactTest, MergeOfEveryFormPairMatchesTheReference) {
  const std::vector<ValueSet> sets = ValueSets();
  for (const ValueSet& a : sets) {
    for (const ValueSet& b : sets) {
      Histogram ha = HistogramOf(a.values);
      const Histogram hb = HistogramOf(b.values);
      DenseReference ra, rb;
      for (const std::int64_t v : a.values) ra.Record(v);
      for (const std::int64_t v : b.values) rb.Record(v);
      ha.Merge(hb);
      ra.Merge(rb);
      ExpectSameAsReference(ha, ra, a.name + " + " + b.name);
    }
  }
}

TEST(HistogramCompactTest, MergeIntoItselfDoubles) {
  for (const ValueSet& set : ValueSets()) {
    Histogram h = HistogramOf(set.values);
    DenseReference ref;
    for (const std::int64_t v : set.values) ref.Record(v);
    ref.Merge(ref);
    h.Merge(h);
    ExpectSameAsReference(h, ref, set.name);
  }
}

TEST(HistogramCompactTest, EqualityIgnoresTheStorageForm) {
  const std::vector<std::int64_t> values = LogUniformValues(300, 5);
  const Histogram sparse = HistogramOf(values);
  ASSERT_FALSE(sparse.uses_blocks());
  // Blocks with the same events: fill past kDenseAfterCount, reset (the
  // form stays), record the same values.
  Histogram blocks;
  blocks.RecordN(1000, Histogram::kDenseAfterCount);
  blocks.Record(1000);
  ASSERT_TRUE(blocks.uses_blocks());
  blocks.Reset();
  for (const std::int64_t v : values) blocks.Record(v);
  ASSERT_TRUE(blocks.uses_blocks());
  EXPECT_EQ(sparse, blocks);
  EXPECT_EQ(sparse.ToJson(), blocks.ToJson());
  blocks.Record(values[0]);
  EXPECT_FALSE(sparse == blocks);
}

TEST(HistogramCompactTest, JsonRoundTripAndMergeOfDecodedInBothForms) {
  const std::vector<ValueSet> sets = ValueSets();
  for (const ValueSet& a : sets) {
    const Histogram ha = HistogramOf(a.values);
    const auto decoded = Histogram::FromJson(Json::parse(ha.ToJson().dump()));
    ASSERT_TRUE(decoded.has_value()) << a.name << ": " << decoded.error();
    EXPECT_EQ(*decoded, ha) << a.name;
    EXPECT_EQ(decoded->ToJson(), ha.ToJson()) << a.name;
    for (const ValueSet& b : sets) {
      const Histogram hb = HistogramOf(b.values);
      Histogram merged = ha;
      merged.Merge(hb);
      Histogram merged_decoded = *decoded;
      merged_decoded.Merge(*Histogram::FromJson(hb.ToJson()));
      const auto decoded_merge = Histogram::FromJson(merged.ToJson());
      ASSERT_TRUE(decoded_merge.has_value()) << decoded_merge.error();
      EXPECT_EQ(merged_decoded, *decoded_merge) << a.name << " + " << b.name;
    }
  }
}

TEST(HistogramCompactTest, EmptyHistogramsHoldNoHeapMemory) {
  EXPECT_LE(sizeof(Histogram), 512u);
  std::vector<Histogram> many(1000);
  std::size_t total = 0;
  for (const Histogram& h : many) total += h.MemoryBytes();
  EXPECT_EQ(total, 1000 * sizeof(Histogram));
  EXPECT_LT(total, 512u * 1000);  // the dense layout: 280 KiB each
  // Reset of a sparse histogram keeps it small.
  Histogram h = HistogramOf({5, 6});
  h.Reset();
  EXPECT_LT(h.MemoryBytes(), sizeof(Histogram) + 1024);
}

// The bytes of a histogram in blocks with `sub_blocks` sub-blocks (and no
// growth slack): the object, the slot table and the counters.
std::size_t BlockBytes(std::size_t sub_blocks) {
  return sizeof(Histogram) +
         Histogram::kSubBlockCount * sizeof(std::uint16_t) +
         sub_blocks * Histogram::kSubBlockLength * sizeof(Histogram::Counter);
}

// A histogram forced into blocks with kDenseAfterCount events at value.
Histogram InBlocks(std::int64_t value) {
  Histogram h;
  h.RecordN(value, Histogram::kDenseAfterCount);
  h.Record(value);
  return h;
}

// The first index of the sub-block after the one holding value.
std::size_t NextSubBlockIndex(std::int64_t value) {
  return ((Histogram::IndexOf(value) >> Histogram::kSubBlockBits) + 1)
         << Histogram::kSubBlockBits;
}

TEST(HistogramCompactTest, MemoryIsInProportionToTheSubBlocksUsed) {
  // Values of one sub-block (64 buckets of 1 ns below 2048), past
  // kDenseAfterCount events (no counter past 16 bits: no carry) use one.
  Histogram h;
  for (int round = 0; round < 1100; ++round) {
    for (std::int64_t v = 64; v < 128; ++v) h.Record(v);
  }
  ASSERT_TRUE(h.uses_blocks());
  EXPECT_EQ(h.MemoryBytes(), BlockBytes(1));
  // Another sub-block adds exactly one, far or near.
  h.Record(std::int64_t{1} << 30);
  EXPECT_EQ(h.MemoryBytes(), BlockBytes(2));
  h.Record(128);
  EXPECT_EQ(h.MemoryBytes(), BlockBytes(3));
  // 1M values over one whole power of two: its 1,024 buckets, 16
  // sub-blocks (and the growth slack of an eighth at most).
  std::mt19937_64 rng(3);
  Histogram power;
  for (int i = 0; i < 1'000'000; ++i) {
    power.Record((std::int64_t{1} << 22) + std::int64_t(rng() % (1u << 22)));
  }
  ASSERT_TRUE(power.uses_blocks());
  EXPECT_GE(power.MemoryBytes(), BlockBytes(16));
  EXPECT_LE(power.MemoryBytes(), BlockBytes(18));
}

// The realistic sets, 10,000 values each: the service time of
// AsyncDummy {"sleep":0.005} (5 ms +- 0.5 ms) and a wait time exponential
// of mean 50 us. The 1,024-counter blocks of uint64 before took 16,672 and
// 82,208 bytes; the sparse table would take 5 KiB and 80 KiB.
TEST(HistogramCompactTest, RealisticSetsStaySmallAndExact) {
  std::mt19937_64 rng(21);
  std::normal_distribution<double> service(5e6, 0.5e6);
  std::exponential_distribution<double> wait(1.0 / 50e3);
  struct Case {
    std::string name;
    std::function<std::int64_t()> draw;
    std::size_t max_bytes;
  };
  const Case cases[] = {
      {"5 ms +- 0.5 ms", [&] { return std::llround(service(rng)); }, 5u << 10},
      {"exponential, mean 50 us", [&] { return std::llround(wait(rng)); },
       26u << 10},
  };
  for (const Case& c : cases) {
    Histogram h;
    DenseReference ref;
    for (int i = 0; i < 10'000; ++i) {
      const std::int64_t v = c.draw();
      h.Record(v);
      ref.Record(v);
    }
    EXPECT_LE(h.MemoryBytes(), c.max_bytes) << c.name;
    ExpectSameAsReference(h, ref, c.name);
  }
}

TEST(HistogramCompactTest, FewEventsOverManyDecadesStaySmall) {
  // The case: ~600 events per name over 1 us..4 ms (wait times).
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> exponent(std::log(1e3), std::log(4e6));
  Histogram h;
  for (int i = 0; i < 600; ++i) h.Record(std::llround(std::exp(exponent(rng))));
  EXPECT_FALSE(h.uses_blocks());
  // 12 powers of two: 96 KiB in 1,024-counter blocks, 280 KiB dense;
  // sparse ~ 10 KiB.
  EXPECT_LE(h.MemoryBytes(), 16u * 1024);
}

TEST(HistogramCompactTest, SparseNeverOutgrowsItsBlocks) {
  // Distinct buckets in one power of two (16 sub-blocks): the table
  // switches to sub-blocks before it gets larger than them.
  Histogram h;
  for (std::int64_t v = 1 << 20; v < (1 << 21); v += 1 << 10) h.Record(v);
  EXPECT_TRUE(h.uses_blocks());
  EXPECT_LE(h.MemoryBytes(), BlockBytes(18));
}

TEST(HistogramCompactTest, FirstAndLastCounterOfEachSubBlock) {
  // Both ends of sub-blocks, of the exact range, of powers of two and of
  // the whole range, in both forms.
  std::vector<std::int64_t> values;
  for (std::size_t index = 0; index < Histogram::kCountsLength;
       index += Histogram::kSubBlockLength) {
    values.push_back(Histogram::LowestEquivalent(index));
    values.push_back(
        Histogram::HighestEquivalent(index + Histogram::kSubBlockLength - 1));
  }
  values.push_back(kHighest);
  for (const bool blocks : {false, true}) {
    Histogram h = blocks ? InBlocks(5) : Histogram();
    DenseReference ref;
    if (blocks) ref.RecordN(5, Histogram::kDenseAfterCount + 1);
    for (const std::int64_t v : values) {
      h.Record(v);
      ref.Record(v);
    }
    const std::string what = blocks ? "blocks" : "sparse";
    EXPECT_EQ(h.uses_blocks(), blocks) << what;
    ExpectSameAsReference(h, ref, what);
    const auto decoded = Histogram::FromJson(h.ToJson());
    ASSERT_TRUE(decoded.has_value()) << decoded.error();
    EXPECT_EQ(*decoded, h) << what;
  }
}

TEST(HistogramCompactTest, CountsPastSixteenBitsCarryExactly) {
  // Counts around the 16-bit counters' wrap, in the first and the last
  // counter of a sub-block, by Record() and by RecordN().
  const std::int64_t first = Histogram::LowestEquivalent(NextSubBlockIndex(5'000'000));
  const std::int64_t last = Histogram::LowestEquivalent(
      NextSubBlockIndex(first) - 1);  // the last bucket of first's sub-block
  ASSERT_EQ(Histogram::IndexOf(first) >> Histogram::kSubBlockBits,
            Histogram::IndexOf(last) >> Histogram::kSubBlockBits);
  Histogram h = InBlocks(1000);  // 65,537 events: one carry already
  DenseReference ref;
  ref.RecordN(1000, Histogram::kDenseAfterCount + 1);
  for (std::uint64_t i = 0; i < Histogram::kCarry - 1; ++i) {
    h.Record(first);
    ref.Record(first);
  }
  ExpectSameAsReference(h, ref, "65,535 in one counter");
  h.Record(first);  // wraps to 0: the count is all carried
  ref.Record(first);
  ExpectSameAsReference(h, ref, "65,536 in one counter");
  h.Record(first);
  ref.Record(first);
  ExpectSameAsReference(h, ref, "65,537 in one counter");
  for (const std::uint64_t n :
       {Histogram::kCarry - 1, std::uint64_t{3}, 3 * Histogram::kCarry + 5,
        std::uint64_t{1} << 40}) {
    h.RecordN(last, n);
    ref.RecordN(last, n);
  }
  ExpectSameAsReference(h, ref, "RecordN past 2^40");
  const auto decoded = Histogram::FromJson(h.ToJson());
  ASSERT_TRUE(decoded.has_value()) << decoded.error();
  EXPECT_EQ(*decoded, h);
  // A carry allocates at most once per bucket: not again.
  testing::AllocationCounter::Start();
  for (std::uint64_t i = 0; i < 4 * Histogram::kCarry; ++i) h.Record(first);
  EXPECT_EQ(testing::AllocationCounter::Stop(), 0u);
}

TEST(HistogramCompactTest, MergeOfDifferentSubBlocksAndCarries) {
  // a and b share one sub-block (whose counters overflow 16 bits only once
  // added) and each has sub-blocks the other lacks.
  const std::int64_t shared = 3'000'000;
  Histogram a = InBlocks(700);
  Histogram b = InBlocks(90'000);
  DenseReference ra, rb;
  ra.RecordN(700, Histogram::kDenseAfterCount + 1);
  rb.RecordN(90'000, Histogram::kDenseAfterCount + 1);
  a.RecordN(shared, 40'000);
  ra.RecordN(shared, 40'000);
  b.RecordN(shared, 40'000);
  rb.RecordN(shared, 40'000);
  a.Record(kHighest + 1);
  ra.Record(kHighest + 1);
  b.Record(0);
  rb.Record(0);
  Histogram ab = a;
  ab.Merge(b);
  Histogram ba = b;
  ba.Merge(a);
  DenseReference rab = ra;
  rab.Merge(rb);
  ExpectSameAsReference(ab, rab, "a + b");
  ExpectSameAsReference(ba, rab, "b + a");
  EXPECT_EQ(ab, ba);
  // A sparse histogram merged into blocks and the other way round.
  const Histogram sparse = HistogramOf({shared, shared, 12, 1'000'000'007});
  DenseReference rs;
  for (const std::int64_t v : {shared, shared, std::int64_t{12},
                               std::int64_t{1'000'000'007}}) {
    rs.Record(v);
  }
  Histogram into_blocks = ab;
  into_blocks.Merge(sparse);
  Histogram into_sparse = sparse;
  into_sparse.Merge(ab);
  DenseReference rall = rab;
  rall.Merge(rs);
  ExpectSameAsReference(into_blocks, rall, "blocks + sparse");
  ExpectSameAsReference(into_sparse, rall, "sparse + blocks");
}

TEST(HistogramCompactTest, CopiesAndMovesOwnTheirSubBlocks) {
  const std::vector<std::int64_t> values = LogUniformValues(200'000, 9);
  const Histogram original = HistogramOf(values);
  ASSERT_TRUE(original.uses_blocks());
  Histogram copy = original;
  copy.Record(5);
  copy.Record(kHighest);  // a sub-block the original lacks
  EXPECT_EQ(original, HistogramOf(values));
  EXPECT_EQ(copy.count(), original.count() + 2);
  Histogram assigned;
  assigned = copy;
  EXPECT_EQ(assigned, copy);
  Histogram moved = std::move(copy);
  EXPECT_EQ(moved, assigned);
  moved.Record(77);
  assigned.Record(77);
  EXPECT_EQ(moved, assigned);
  Histogram move_assigned;
  move_assigned = std::move(moved);
  EXPECT_EQ(move_assigned, assigned);
  // The moved-from ones take new values safely once reassigned.
  copy = original;
  moved = Histogram();
  copy.Record(77);
  moved.Record(77);
  EXPECT_EQ(copy.count(), original.count() + 1);
  EXPECT_EQ(moved.count(), 1u);
}

TEST(HistogramCompactTest, NoAllocationPerRecordAfterWarmUp) {
  for (const ValueSet& set : ValueSets()) {
    Histogram h = HistogramOf(set.values);  // warm-up: buckets and blocks
    testing::AllocationCounter::Start();
    for (int round = 0; round < 3; ++round) {
      for (const std::int64_t v : set.values) h.Record(v);
    }
    h.RecordN(set.values[0], 5);
    EXPECT_EQ(testing::AllocationCounter::Stop(), 0u) << set.name;
  }
  // In blocks, a new bucket of an existing sub-block allocates nothing
  // either: the 64 buckets of 1,024 ns from 2^20.
  Histogram blocks = InBlocks(1 << 20);
  ASSERT_TRUE(blocks.uses_blocks());
  testing::AllocationCounter::Start();
  for (std::int64_t v = 1 << 20; v < (1 << 20) + (64 << 10); v += 997) {
    blocks.Record(v);
  }
  EXPECT_EQ(testing::AllocationCounter::Stop(), 0u);
}

TEST(HistogramCompactTest, ResetKeepsTheWarmUp) {
  for (const ValueSet& set : ValueSets()) {
    Histogram h = HistogramOf(set.values);
    h.Reset();
    EXPECT_EQ(h, Histogram()) << set.name;
    testing::AllocationCounter::Start();
    for (const std::int64_t v : set.values) h.Record(v);
    EXPECT_EQ(testing::AllocationCounter::Stop(), 0u) << set.name;
    EXPECT_EQ(h, HistogramOf(set.values)) << set.name;
  }
  // Reset clears the carries too.
  Histogram carried = InBlocks(1000);
  carried.RecordN(1000, 5 * Histogram::kCarry);
  carried.Reset();
  EXPECT_EQ(carried, Histogram());
  carried.Record(1000);
  EXPECT_EQ(carried, HistogramOf({1000}));
  EXPECT_EQ(carried.ValueAtPercentile(50), 1000);
}

}  // namespace
}  // namespace pylogen::stats
