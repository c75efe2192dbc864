// The time series' memory over a long run (issue 12, "Speed and memory":
// reader RSS for a 1 h run at 1 s intervals with 10 ids and 100 names, <= 64
// MB). Simulates the reader's side of such a run without processes: request
// records spread over 10 ids x 10 request names (100 names, lognormal
// latencies, a median per id from 0.5 to 5 ms, 1% errors) go through the
// real stats::Aggregator and stats::IntervalSeries, closed intervals through
// the real spool (output::IntervalSpool), and the report's `intervals` are
// streamed from it at the end (to /dev/null). The counter peak_rss_kB is the
// process' VmHWM (/proc/self/status) afterwards: run this benchmark alone
// (--benchmark_filter=BM_IntervalsHour) so that no other one set the peak.
// Arguments: simulated seconds, records per second.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "output/interval_spool.h"
#include "output/report_writer.h"
#include "stats/aggregator.h"
#include "stats/interval_json.h"
#include "stats/interval_series.h"

namespace pylogen {
namespace {

constexpr int kIds = 10;
constexpr int kRequestsPerId = 10;
constexpr std::int64_t kSecond = 1'000'000'000;

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

std::vector<stats::Record> RecordPool(std::size_t n) {
  std::mt19937_64 rng(12);
  std::vector<stats::Record> pool(n);
  std::uniform_int_distribution<int> name(0, kIds * kRequestsPerId - 1);
  std::uniform_real_distribution<double> unit(0, 1);
  for (stats::Record& r : pool) {
    int which = name(rng);
    int id = which / kRequestsPerId;
    std::lognormal_distribution<double> latency(std::log(5e5 * (1 + id)), 0.8);
    r = {};
    r.kind = stats::RecordKind::kRequest;
    r.load = static_cast<std::uint16_t>(id);
    r.service_ns = std::llround(latency(rng));
    r.rc = unit(rng) < 0.01 ? 111 : 0;
    std::snprintf(r.manager, sizeof r.manager, "M");
    std::snprintf(r.request, sizeof r.request, "R_%d", which % kRequestsPerId);
  }
  return pool;
}

void BM_IntervalsHour(benchmark::State& state) {
  const std::int64_t seconds = state.range(0);
  const std::int64_t per_second = state.range(1);
  std::vector<std::string> ids, cuts;
  for (int i = 0; i < kIds; ++i) {
    ids.push_back(fmt::format("ID{}", i));
    cuts.push_back("Cut");
  }
  const std::vector<stats::Record> pool = RecordPool(1 << 16);
  std::uint64_t intervals = 0, spool_lines = 0;
  for (auto _ : state) {
    auto spool = output::IntervalSpool::Create();
    if (!spool) {
      state.SkipWithError(spool.error().c_str());
      return;
    }
    stats::Aggregator aggregator(ids, cuts);
    stats::IntervalSeries series(kSecond, ids, [&spool](const stats::IntervalStats& interval) {
      spool->Append(stats::IntervalToJson(interval).dump());
    });
    const std::int64_t t0 = 1'700'000'000 * kSecond;
    const std::int64_t step = kSecond / per_second;
    std::size_t next = 0;
    for (std::int64_t s = 0; s < seconds; ++s) {
      for (std::int64_t j = 0; j < per_second; ++j) {
        stats::Record r = pool[next++ & (pool.size() - 1)];
        r.begin_ns = t0 + s * kSecond + j * step;
        r.intended_ns = r.begin_ns;
        aggregator.Add(static_cast<std::uint32_t>(r.load), r);
        series.Add(r);
        if (j % 1000 == 0) {  // a reader pass
          std::int64_t now = r.begin_ns + 5'000'000;
          series.Offer(now, {20, 10, 10, 50, 0, 0});
          series.Advance(now);
        }
      }
    }
    series.Finish();
    intervals = series.closed();
    spool_lines = spool->lines();
    output::DeferredParts deferred;
    nlohmann::json report = {{"schema", 2}, {"intervals", deferred.Intervals(&*spool)}};
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    int error = deferred.Write(null, report);
    ::close(null);
    if (error != 0) state.SkipWithError(std::strerror(error));
    benchmark::DoNotOptimize(aggregator.requests());
  }
  state.counters["intervals"] = static_cast<double>(intervals);
  state.counters["spooled"] = static_cast<double>(spool_lines);
  state.counters["records"] = static_cast<double>(seconds * per_second);
  state.counters["peak_rss_kB"] = static_cast<double>(PeakRssKb());
}
BENCHMARK(BM_IntervalsHour)->Args({3600, 1000})->Iterations(1)->Unit(benchmark::kMillisecond);
// A one-minute version, for a quick look.
BENCHMARK(BM_IntervalsHour)->Args({60, 1000})->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylogen
