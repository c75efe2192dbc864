// Benchmarks of stats::Histogram, the reader's per-record and per-interval
// costs: Record() bounds the records/s one reader can absorb; percentiles
// and Merge() run once per series and --summary interval. BM_HistogramRecord
// runs against BM_HistogramRecordDenseBefore, the Record() of the dense
// layout the compact storage replaced (35,840 counters up front), on the
// same values, so that one run compares before and after.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "stats/histogram.h"

namespace pylogen::stats {
namespace {

// Log-normal latencies around 1 ms, from ~50 us to ~50 ms: a realistic
// service time mix, spread over ~12 power-of-two buckets so that the
// counters touched do not all sit in one cache line.
std::vector<std::int64_t> Latencies(std::size_t n) {
  std::mt19937_64 rng(2024);
  std::lognormal_distribution<double> latency(std::log(1e6), 1.0);
  std::vector<std::int64_t> values(n);
  for (auto& v : values) v = std::llround(latency(rng));
  return values;
}

Histogram Filled(std::size_t n) {
  Histogram histogram;
  for (const std::int64_t v : Latencies(n)) histogram.Record(v);
  return histogram;
}

// The dense layout's Record() before the compact storage, kept verbatim
// (same IndexOf, clamp, sum and extremes) as the reference cost.
class DenseBefore {
 public:
  void Record(std::int64_t value_ns) {
    const std::int64_t v =
        std::clamp<std::int64_t>(value_ns, 0, Histogram::kHighestTrackable);
    overflow_ += static_cast<std::uint64_t>(value_ns > Histogram::kHighestTrackable);
    ++counts_[Histogram::IndexOf(v)];
    ++count_;
    sum_ += static_cast<std::uint64_t>(v);
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }

 private:
  std::vector<std::uint64_t> counts_ =
      std::vector<std::uint64_t>(Histogram::kCountsLength, 0);
  std::uint64_t count_ = 0;
  std::uint64_t overflow_ = 0;
  std::int64_t min_ = Histogram::kHighestTrackable + 1;
  std::int64_t max_ = 0;
  __extension__ unsigned __int128 sum_ = 0;
};

void BM_HistogramRecordDenseBefore(benchmark::State& state) {
  constexpr std::size_t kValues = 1 << 16;
  const std::vector<std::int64_t> values = Latencies(kValues);
  DenseBefore histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & (kValues - 1)]);
  }
  benchmark::DoNotOptimize(histogram);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecordDenseBefore);

// After warm-up (every value recorded once, so every sub-block exists): the
// reader's steady state.
void BM_HistogramRecord(benchmark::State& state) {
  constexpr std::size_t kValues = 1 << 16;  // power of two: cheap wrap-around
  const std::vector<std::int64_t> values = Latencies(kValues);
  Histogram histogram;
  for (const std::int64_t v : values) histogram.Record(v);
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & (kValues - 1)]);
  }
  benchmark::DoNotOptimize(histogram);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

// Latencies in a few buckets (5 ms +- 20 us, the closed no-op's shape):
// the 16-bit counters wrap every 65,536 records of a bucket and carry into
// the side table, the only extra work of the sub-block form.
void BM_HistogramRecordNarrow(benchmark::State& state) {
  constexpr std::size_t kValues = 1 << 16;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> latency(5e6, 2e4);
  std::vector<std::int64_t> values(kValues);
  for (auto& v : values) v = std::llround(latency(rng));
  Histogram histogram;
  for (const std::int64_t v : values) histogram.Record(v);
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & (kValues - 1)]);
  }
  benchmark::DoNotOptimize(histogram);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecordNarrow);

// A histogram with few events, in the sparse form (the cost per record of a
// rarely used name): 4,096 records, then Reset(), which keeps the table.
void BM_HistogramRecordSparse(benchmark::State& state) {
  constexpr std::size_t kValues = 1 << 12;
  const std::vector<std::int64_t> values = Latencies(kValues);
  Histogram histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & (kValues - 1)]);
    if ((i & (kValues - 1)) == 0) histogram.Reset();
  }
  benchmark::DoNotOptimize(histogram);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecordSparse);

// One iteration is the set a summary line prints: p50, p90, p99, p99.9.
void BM_HistogramPercentiles(benchmark::State& state) {
  const Histogram histogram = Filled(1'000'000);
  for (auto _ : state) {
    for (const double p : {50.0, 90.0, 99.0, 99.9}) {
      benchmark::DoNotOptimize(histogram.ValueAtPercentile(p));
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramPercentiles);

void BM_HistogramMerge(benchmark::State& state) {
  const Histogram source = Filled(1'000'000);
  Histogram total;
  for (auto _ : state) {
    total.Merge(source);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramMerge);

}  // namespace
}  // namespace pylogen::stats
