// A run's summary built by hand from records (the reader's own Aggregator),
// for the report parsing and merging tests.
#ifndef PYLOGEN_TESTS_UNIT_REPORT_REPORT_FIXTURE_H_
#define PYLOGEN_TESTS_UNIT_REPORT_REPORT_FIXTURE_H_

#include <cstring>
#include <memory>
#include <string>

#include "output/run_summary.h"
#include "output/threshold_summary.h"
#include "stats/aggregator.h"

namespace pylogen::report::testing {

inline constexpr std::int64_t kT0 = 1'790'000'000'123'456'789;  // 2026-09, ns since the epoch

inline stats::Record MakeRecord(std::uint16_t load, const char* request, std::int64_t begin,
                                std::int64_t service, std::int32_t rc = 0, std::int64_t wait = -1) {
  stats::Record r{};
  r.kind = request[0] != '\0' ? stats::RecordKind::kRequest : stats::RecordKind::kTransaction;
  r.load = load;
  r.begin_ns = begin;
  r.service_ns = service;
  r.rc = rc;
  r.bytes_in = 10;
  r.bytes_out = 3;
  if (wait >= 0) {
    r.wait_ns = wait;
    r.flags = stats::kOpenedModel;
  }
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, request);
  return r;
}

// A run of two loads: "closed" (requests R and S, a transaction) and
// "open" (opened model, waits), `seed` shifting the latencies.
struct Run {
  std::unique_ptr<stats::Aggregator> agg;
  output::RunSummary summary;
};

inline Run MakeRun(std::int64_t seed, std::int64_t start = kT0, int count = 200) {
  Run run;
  run.agg = std::make_unique<stats::Aggregator>(std::vector<std::string>{"closed", "open"},
                                                std::vector<std::string>{"Dummy", "AsyncDummy"});
  stats::Aggregator& agg = *run.agg;
  for (int i = 0; i < count; ++i) {
    std::int64_t begin = start + i * 5'000'000;
    agg.Add(0, MakeRecord(0, "R", begin, 1000 + (i * 7919 + seed * 31) % 900'000, i % 17 == 0 ? 3 : 0));
    agg.Add(0, MakeRecord(0, "S", begin + 100, 50'000 + seed * 1000 + i));
    agg.Add(0, MakeRecord(0, "", begin, 2'000'000));
    agg.Add(1, MakeRecord(1, "R", begin + 7, 300 + i * seed, 0, (i * 13) % 5000));
    if (i % 10 == 0) agg.OfferQueueLength(i + seed, begin);
    agg.OfferWorkers(2 + seed, 1 + seed, begin);
  }
  agg.Tick(start + 500'000'000, 0.5);
  agg.Tick(start + 1'000'000'000, 0.5);
  output::RunSummary& s = run.summary;
  s.stats = &agg;
  s.host = "host-" + std::to_string(seed);
  s.start_wall_ns = agg.first_begin_ns();
  s.end_wall_ns = agg.last_end_ns();
  s.duration_s = (s.end_wall_ns - s.start_wall_ns) / 1e9;
  s.operations = 3 * count;
  s.producer_wait_ns = 1234 + seed;
  s.producer_waits = 5;
  s.ring_capacity = 4096;
  s.shared_memory_bytes = 1 << 20;
  s.ring_bytes = 1 << 19;
  s.ring_budget_bytes = 64 << 20;
  output::WorkerSummary w;
  w.name = "runner-0";
  w.load_id = "closed";
  w.pid = 4000 + static_cast<int>(seed);
  w.state = "ended";
  w.operations = count;
  w.wait_ns = 99;
  w.waits = 2;
  w.ring_capacity = 4096;
  s.workers.push_back(w);
  output::WorkerSummary e = w;
  e.name = "worker-0";
  e.load_id = "open";
  e.event_driven = true;
  e.loop.cpu_ns = 123'456'789;
  e.loop.run_ns = 2'000'000'001;
  e.loop.lag_p99_ns = 131072;
  e.loop.lag_max_ns = 402113;
  e.loop.timers = 77;
  e.loop.callback_errors = 1;
  e.loop.callback_error = "boom";
  s.workers.push_back(e);
  output::OpenedSummary o;
  o.load_id = "open";
  o.schedule = "10@20";
  o.arrivals = "poisson";
  o.burst = "1";
  o.seed = 42 + static_cast<std::uint64_t>(seed);
  o.scheduled = 200;
  o.emitted = 199;
  o.dropped = 1;
  o.served = 199;
  o.emitted_per_second = {10, 20, static_cast<std::uint32_t>(seed)};
  for (int i = 0; i < 50; ++i) o.lateness.Record(100 + i * seed);
  o.lateness_known = true;
  o.generator_cpu_s = 0.25;
  o.generator_run_s = 20.5;
  o.generator_state = "ended";
  o.controller_target = 2;
  o.controller_target_max = 3;
  o.limit_checks = 4;
  o.limit_since_wall_ns = start + 1'234'000;
  o.limit_wanted = 5;
  o.max_workers = 2;
  o.concurrency = 8;
  o.event_driven = true;
  o.waited_longer_than_service = 6;
  s.opened.push_back(o);
  auto t1 = thresholds::ParseThreshold("p99<1ms");
  auto t2 = thresholds::ParseThreshold("errors==0");
  s.thresholds = output::EvaluateThresholds({*t1, *t2}, s);
  output::AddDerivedWarnings(s);
  s.warnings.push_back("a warning of the run");
  return run;
}

}  // namespace pylogen::report::testing

#endif  // PYLOGEN_TESTS_UNIT_REPORT_REPORT_FIXTURE_H_
