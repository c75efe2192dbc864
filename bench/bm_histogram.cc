// Benchmarks of stats::Histogram, the reader's per-record and per-interval
// costs: Record() bounds the records/s one reader can absorb; percentiles
// and Merge() run once per series and --summary interval.
#include <benchmark/benchmark.h>

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

void BM_HistogramRecord(benchmark::State& state) {
  constexpr std::size_t kValues = 1 << 16;  // power of two: cheap wrap-around
  const std::vector<std::int64_t> values = Latencies(kValues);
  Histogram histogram;
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & (kValues - 1)]);
  }
  benchmark::DoNotOptimize(histogram);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

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
