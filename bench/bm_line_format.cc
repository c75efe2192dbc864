// Per-event line formatting, the reader's hot path: lines per second of each
// format on a realistic request record. begin_ns moves by ~200 ns per line
// (5 M lines/s), so the local-time cache sees a new second as often as in a
// fast run; the buffer is cleared every 4096 lines, as a reader flushing it.
#include <cstring>

#include <benchmark/benchmark.h>

#include "output/line_format.h"

namespace pylogen::output {
namespace {

constexpr std::int64_t kBegin = 1'795'468'676'123'456'789;
constexpr std::int64_t kStepNs = 197;
constexpr int kLinesPerFlush = 4096;

stats::Record RealisticRecord() {
  stats::Record r;
  std::memset(&r, 0, sizeof r);
  r.begin_ns = kBegin;
  r.intended_ns = kBegin;
  r.service_ns = 1'234'567;
  r.op_count = 617;
  r.bytes_in = 384;
  r.bytes_out = 1024;
  r.local_throughput = 30123.4f;
  r.pid = 424242;
  r.length_index = 2;
  r.kind = stats::RecordKind::kRequest;
  r.flags = stats::kInTransaction;
  CopyBounded(r.manager, kNameCapacity, "KmsEncrypt");
  CopyBounded(r.request, kNameCapacity, "encrypt_symmetric");
  return r;
}

LineContext RealisticContext() {
  LineContext c;
  c.global_count = 12'345'678;
  c.global_throughput = 1'987'654.3;
  c.started = 16;
  c.ended = 2;
  c.active = 14;
  c.load_id = "CLO_KMS1";
  c.cut_name = "KmsEncrytSymmetric";
  c.length = "1024";
  return c;
}

void RunFormat(benchmark::State& state, LineFormat format) {
  LineWriter writer(format);
  stats::Record record = RealisticRecord();
  LineContext context = RealisticContext();
  fmt::memory_buffer out;
  int lines = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    writer.Line(record, context, out);
    record.begin_ns += kStepNs;
    ++record.op_count;
    ++context.global_count;
    if (++lines == kLinesPerFlush) {
      bytes += out.size();
      benchmark::DoNotOptimize(out.data());
      out.clear();
      lines = 0;
    }
  }
  bytes += out.size();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_LineShort(benchmark::State& state) { RunFormat(state, LineFormat::kShort); }
void BM_LineCsv(benchmark::State& state) { RunFormat(state, LineFormat::kCsv); }
void BM_LineJson(benchmark::State& state) { RunFormat(state, LineFormat::kJson); }
void BM_LineLong(benchmark::State& state) { RunFormat(state, LineFormat::kLong); }
void BM_LineJtl(benchmark::State& state) { RunFormat(state, LineFormat::kJtl); }

BENCHMARK(BM_LineShort);
BENCHMARK(BM_LineCsv);
BENCHMARK(BM_LineJson);
BENCHMARK(BM_LineLong);
BENCHMARK(BM_LineJtl);

}  // namespace
}  // namespace pylogen::output
