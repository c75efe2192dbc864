// The worker's hot path, the cost pylogen adds to every request (target:
// <= 100 ns per request): the executor (RequestsManager::exec, two clock
// reads) and the record push (operation::OpReporter::Report into a shm ring).
//
// The producer is measured alone: the same thread frees the ring every
// capacity/4 records with an empty Drain (one store), so no reader competes
// for the cache lines and no wait for room is ever taken. The ring is a real
// shm::Segment of the production size for two workers (16384 records, 3 MB),
// so the writes stream through memory as they do in a run.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "plan/run_plan.h"
#include "operation/cut_instance.h"
#include "operation/op_reporter.h"
#include "pylogen/cut.h"
#include "pylogen/requests.h"
#include "shm/segment.h"
#include "util/clock.h"

namespace pylogen::operation {
namespace {

constexpr std::uint64_t kRingCapacity = 16384;

// One worker's view of a one-slot segment, and its cheap in-thread drain.
class Worker {
 public:
  explicit Worker(std::uint64_t records_per_op)
      : segment_(MakeSegment()),
        reporter_(segment_.Producer(0), &segment_.slot(0), 0, 4242, util::WallOffsetNanos()),
        drain_every_(kRingCapacity / 4 / records_per_op) {}

  OpReporter& reporter() { return reporter_; }
  OpInfo NextOp() { return OpInfo{++op_count_, 0, 1234.5f}; }

  // Frees the ring now and then; amortised to well under 1 ns per operation.
  void MaybeDrain() {
    if (++since_drain_ < drain_every_) return;
    since_drain_ = 0;
    segment_.Consumer(0).Drain(kRingCapacity, [](const stats::Record&) {});
  }
  std::uint64_t waits() const { return segment_.slot(0).waits.load(); }

 private:
  static shm::Segment MakeSegment() {
    auto segment = shm::Segment::Create(1, kRingCapacity);
    if (!segment) {
      std::fprintf(stderr, "Segment::Create: %s\n", segment.error().c_str());
      std::abort();
    }
    return std::move(*segment);
  }

  shm::Segment segment_;
  OpReporter reporter_;
  std::uint64_t drain_every_;
  std::uint64_t since_drain_ = 0;
  std::uint64_t op_count_ = 0;
};

void NoOp() {}

// Reference: one read of the clock the executor reads twice per request.
void BM_ClockRead(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(MonotonicNanos());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClockRead);

// The executor alone: reset, exec of a no-op, nothing pushed.
void BM_Exec(benchmark::State& state) {
  RequestsManager requests("Bench");
  for (auto _ : state) {
    requests.Reset();
    requests.exec("R_0", NoOp);
    benchmark::DoNotOptimize(requests.begin());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Exec);

// The push alone: one request's record, the manager filled once.
void BM_Report(benchmark::State& state) {
  Worker worker(1);
  RequestsManager requests("Bench");
  requests.exec("R_0", NoOp);
  for (auto _ : state) {
    worker.reporter().Report(requests, worker.NextOp());
    worker.MaybeDrain();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["waits"] = static_cast<double>(worker.waits());
}
BENCHMARK(BM_Report);

// Target (c): the instrumentation of one request, executor + record push.
void BM_ExecReport(benchmark::State& state) {
  Worker worker(1);
  RequestsManager requests("Bench");
  for (auto _ : state) {
    requests.Reset();
    requests.exec("R_0", NoOp);
    worker.reporter().Report(requests, worker.NextOp());
    worker.MaybeDrain();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["waits"] = static_cast<double>(worker.waits());
}
BENCHMARK(BM_ExecReport);

// A transaction of three requests: four records (transaction + requests).
void BM_Transaction3(benchmark::State& state) {
  Worker worker(4);
  RequestsManager requests("Bench");
  for (auto _ : state) {
    requests.Reset();
    requests.exec("R0-EXEC", NoOp);
    requests.exec("R1-EXEC", NoOp);
    requests.exec("R2-EXEC", NoOp);
    worker.reporter().Report(requests, worker.NextOp());
    worker.MaybeDrain();
  }
  state.SetItemsProcessed(3 * state.iterations());  // requests
  state.counters["records/s"] =
      benchmark::Counter(4, benchmark::Counter::kIsIterationInvariantRate);
  // Seconds per request (the console shows e.g. "66ns").
  state.counters["per_request"] = benchmark::Counter(
      3, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["waits"] = static_cast<double>(worker.waits());
}
BENCHMARK(BM_Transaction3);

// A CUT like Dummy with {"sleep":0}: one request per operation, its no-op
// lambda taking the Request, the name kept across calls.
class NoSleepCut : public ClassUnderTest {
 public:
  void func() override {
    requests().exec(name_, [this](Request&) { ++calls_; });
  }

 private:
  std::string name_ = "R_0";
  std::int64_t calls_ = 0;
};

const CutDescriptor kNoSleepCut = detail::DescriptorOf<NoSleepCut>("NoSleepCut");

// The whole operation as the closed runner does it: the real CutInstance
// (requests reset, length set, the four virtual hooks, func), the busy flag,
// the end time and the report. Only the runner's throughput counter and
// loop test are left out.
void BM_Operation(benchmark::State& state) {
  plan::LoadPlan load;
  load.id = load.cut_name = "NoSleepCut";
  load.cut_path = "./NoSleepCut.so";
  load.cut = &kNoSleepCut;
  load.extra = "{}";
  load.lengths = {"0"};
  auto cut = CutInstance::Create(load, 0);
  if (!cut) {
    state.SkipWithError(cut.error().c_str());
    return;
  }
  Worker worker(1);
  std::atomic<std::uint32_t> busy{0};
  for (auto _ : state) {
    busy.store(1, std::memory_order_relaxed);
    cut->RunOperation(0, load.lengths[0]);
    busy.store(0, std::memory_order_relaxed);
    const RequestsManager& requests = (*cut)->requests();
    std::int64_t now = requests.size() != 0 ? (requests.end() - 1)->end_ns : MonotonicNanos();
    benchmark::DoNotOptimize(now);
    worker.reporter().Report(requests, worker.NextOp());
    worker.MaybeDrain();
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["waits"] = static_cast<double>(worker.waits());
}
BENCHMARK(BM_Operation);

}  // namespace
}  // namespace pylogen::operation
