// Ring throughput between threads: records per second through the
// shared-memory rings of a shm::Segment (192-byte records), the ceiling the
// queue puts on a run before any CUT, executor or line formatting.
//
// Producers copy a full record into each claimed slot (as OpReporter fills
// all three cache lines); the consumer drains in batches of 4096, the
// reader's batch, touching each of a record's three cache lines. Each
// benchmark iteration moves a fixed batch per producer and ends when the
// consumer has taken all of it, so the time includes the drain. Waits are
// a few pauses then sched_yield, both sides: with two cores and up to three
// threads, a waiting thread must give its core away.
#include <benchmark/benchmark.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "shm/segment.h"
#include "stats/record.h"

namespace pylogen::shm {
namespace {

constexpr std::uint64_t kRingCapacity = 16384;          // production size, 2 workers
constexpr std::uint64_t kRecordsPerProducer = 1 << 18;  // per benchmark iteration
constexpr std::uint64_t kDrainBatch = 4096;             // as the reader

void Backoff(int& attempt) {
  if (attempt++ < 16) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  } else {
    sched_yield();
  }
}

stats::Record Template() {
  stats::Record r;
  std::memset(&r, 0, sizeof r);
  r.begin_ns = 1'795'468'676'123'456'789;
  r.intended_ns = r.begin_ns;
  r.service_ns = 24;
  r.local_throughput = 4e6f;
  r.pid = 4242;
  r.kind = stats::RecordKind::kRequest;
  CopyBounded(r.manager, kNameCapacity, "Dummy");
  CopyBounded(r.request, kNameCapacity, "R_0");
  return r;
}

Segment MakeSegment(std::uint32_t rings) {
  auto segment = Segment::Create(rings, kRingCapacity);
  if (!segment) {
    std::fprintf(stderr, "Segment::Create: %s\n", segment.error().c_str());
    std::abort();
  }
  return std::move(*segment);
}

// One thread per ring, each pushing kRecordsPerProducer records per Go().
class Producers {
 public:
  explicit Producers(const Segment& segment) {
    for (std::uint32_t i = 0; i < segment.slot_count(); ++i) {
      threads_.emplace_back([this, producer = segment.Producer(i)]() mutable { Loop(producer); });
    }
  }
  ~Producers() {
    stop_.store(true, std::memory_order_relaxed);
    epoch_.fetch_add(1, std::memory_order_release);
    for (std::thread& t : threads_) t.join();
  }
  void Go() { epoch_.fetch_add(1, std::memory_order_release); }

 private:
  void Loop(RingProducer& producer) {
    const stats::Record templ = Template();
    std::uint64_t seen = 0;
    std::uint64_t count = 0;
    while (true) {
      int attempt = 0;
      std::uint64_t epoch;
      while ((epoch = epoch_.load(std::memory_order_acquire)) == seen) Backoff(attempt);
      seen = epoch;
      if (stop_.load(std::memory_order_relaxed)) return;
      for (std::uint64_t n = 0; n < kRecordsPerProducer; ++n) {
        stats::Record* r;
        int full = 0;
        while ((r = producer.TryClaim()) == nullptr) Backoff(full);
        std::memcpy(r, &templ, sizeof templ);
        r->op_count = ++count;
        producer.Publish();
      }
    }
  }

  std::atomic<std::uint64_t> epoch_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// The calling thread is the consumer of every ring of the segment.
void RunRings(benchmark::State& state, std::uint32_t rings) {
  Segment segment = MakeSegment(rings);
  std::vector<RingConsumer> consumers;
  for (std::uint32_t i = 0; i < rings; ++i) consumers.push_back(segment.Consumer(i));
  Producers producers(segment);
  std::uint64_t checksum = 0;
  auto consume = [&checksum](const stats::Record& r) {
    // One load per cache line of the record, as the reader reads them all.
    checksum += r.op_count + static_cast<unsigned char>(r.manager[0]) +
                static_cast<unsigned char>(r.error[0]);
  };
  for (auto _ : state) {
    producers.Go();
    const std::uint64_t want = rings * kRecordsPerProducer;
    std::uint64_t got = 0;
    int attempt = 0;
    while (got < want) {
      std::uint64_t drained = 0;
      for (RingConsumer& c : consumers) drained += c.Drain(kDrainBatch, consume);
      if (drained == 0) {
        Backoff(attempt);
      } else {
        attempt = 0;
        got += drained;
      }
    }
  }
  benchmark::DoNotOptimize(checksum);
  const auto records = static_cast<std::int64_t>(state.iterations() * rings * kRecordsPerProducer);
  state.SetItemsProcessed(records);
  state.SetBytesProcessed(records * static_cast<std::int64_t>(sizeof(stats::Record)));
}

void BM_Ring1P1C(benchmark::State& state) { RunRings(state, 1); }
void BM_Ring2P1C(benchmark::State& state) { RunRings(state, 2); }

BENCHMARK(BM_Ring1P1C)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Ring2P1C)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylogen::shm
