// The event-driven operation path against the blocking one (BM_Operation in
// bm_instrumentation.cc): one operation of a no-sleep event-driven CUT as an
// event-driven runner does it — start() on the CUT (one request begun and
// ended), Complete(), the record pushed, the user taken back and started
// again — with a turn of the real event loop every kTurnEvery operations, as
// the runner makes when operations complete inside start().
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "loop/epoll_loop.h"
#include "operation/event_operations.h"

namespace pylogen::operation {
namespace {

constexpr std::uint64_t kRingCapacity = 16384;
constexpr std::uint64_t kTurnEvery = 4096;  // closed/event_runner.cc's kMaxFollowUps

class NoSleepEventCut : public EventClassUnderTest {
 public:
  void start(Operation& op) override {
    op.End(op.Begin("R_0"));
    op.Complete();
  }
};

const CutDescriptor kNoSleepEventCut = detail::DescriptorOf<NoSleepEventCut>("NoSleepEventCut");

template <class T>
T OrDie(std::expected<T, std::string> value) {
  if (!value) {
    std::fprintf(stderr, "%s\n", value.error().c_str());
    std::abort();
  }
  return std::move(*value);
}

void BM_EventOperation(benchmark::State& state) {
  plan::LoadPlan load;
  load.id = load.cut_name = "NoSleepEventCut";
  load.cut_path = "./NoSleepEventCut.so";
  load.cut = &kNoSleepEventCut;
  load.extra = "{}";
  load.lengths = {"0"};
  load.concurrency = static_cast<std::uint32_t>(state.range(0));
  shm::Segment segment = OrDie(shm::Segment::Create(1, kRingCapacity));
  std::unique_ptr<loop::EpollLoop> loop = OrDie(loop::EpollLoop::Create());
  EventOperations ops(segment, 0, 0, 1.0, OrDie(EventCutInstance::Create(load, 0, *loop)));
  for (std::uint32_t u = 0; u < load.concurrency; ++u) ops.Start(u, 0, load.lengths[0]);
  std::uint64_t since_turn = 0;
  for (auto _ : state) {
    for (std::uint32_t user : ops.TakeCompleted()) ops.Start(user, 0, load.lengths[0]);
    since_turn += load.concurrency;
    if (since_turn >= kTurnEvery) {
      since_turn = 0;
      loop->RunOnce(0);
      segment.Consumer(0).Drain(kRingCapacity, [](const stats::Record&) {});
    }
  }
  state.SetItemsProcessed(state.iterations() * load.concurrency);
  state.counters["per_op"] = benchmark::Counter(
      static_cast<double>(load.concurrency),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["waits"] = static_cast<double>(segment.slot(0).waits.load());
}
BENCHMARK(BM_EventOperation)->Arg(1)->Arg(64);

}  // namespace
}  // namespace pylogen::operation
