// What one call of each sample CUT costs its worker, driven the way a worker
// drives it (setup once; SetLength, resetBeforeStep, func per operation; the
// event-driven Http: start per operation, the loop turned until it ends):
//
//   BM_HttpCutGet      one GET on a kept-alive loopback connection to a
//                      small in-process server (tests/support/http_server):
//                      the CPU column is the calling thread's CPU alone,
//                      libcurl's share of a request, the server excluded
//                      (bench/http.sh measures whole runs against nginx);
//   BM_EncryptCut/N    AES-256-GCM of N bytes with a fresh IV;
//   BM_SignCut/KEY     SHA-384 digest of 1 KiB and its signature with the
//                      sample key KEY (EC P-384, RSA-3072 PKCS#1 v1.5).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "crypto/encrypt_cut.h"
#include "crypto/sign_cut.h"
#include "http/http_cut.h"
#include "http_server.h"
#include "loop/epoll_loop.h"
#include "pylogen/cut.h"

namespace pylogen {
namespace {

// setup() as a worker calls it; a failure aborts the benchmark run.
void SetUpOrDie(ClassUnderTest& cut, nlohmann::json extra, const char* name) {
  Context context;
  context.id = "BENCH";
  context.cut_name = name;
  context.cut_dir = PYLOGEN_CUT_SOURCE_DIR;
  cut.BindHost(std::move(context), std::move(extra));
  try {
    cut.setup();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s setup failed: %s\n", name, e.what());
    std::abort();
  }
}

// One operation as a worker runs it; counts failed requests.
void Operate(ClassUnderTest& cut, const std::string& length, benchmark::State& state) {
  cut.requests().Reset();
  cut.SetLength(0, length);
  cut.resetBeforeStep();
  cut.func();
  for (const Request& r : cut.requests()) {
    if (r.rc != 0) state.SkipWithError(r.error);
  }
}

// The host's side of the one operation in flight.
class OneOperationHost : public detail::OperationHost {
 public:
  void Complete(Operation&) override { done = true; }
  bool done = false;
};

void BM_HttpCutGet(benchmark::State& state) {
  testing::HttpServer server;
  auto loop = loop::EpollLoop::Create();
  if (!loop) {
    std::fprintf(stderr, "Http: %s\n", loop.error().c_str());
    std::abort();
  }
  Context context{"BENCH", "Http", PYLOGEN_CUT_SOURCE_DIR, 0, 0};
  cuts::HttpCut cut;
  cut.BindHost(&context, {{"url", server.Url("/ok")}}, loop->get(), 1);
  try {
    cut.setup();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Http setup failed: %s\n", e.what());
    std::abort();
  }
  OneOperationHost host;
  Operation op;
  op.Prepare(&host, 0);
  std::uint64_t count = 0;
  for (auto _ : state) {
    op.Reset(0, "0", 0, ++count, 0, "Http");
    host.done = false;
    cut.start(op);
    while (!host.done) (*loop)->RunOnce(-1);
    if (op.requests().begin()->rc != 0) state.SkipWithError(op.requests().begin()->error);
  }
  cut.teardown();
  state.counters["connections"] = server.connections();
}
BENCHMARK(BM_HttpCutGet);

void BM_EncryptCut(benchmark::State& state) {
  cuts::crypto::EncryptCut cut;
  SetUpOrDie(cut, {{"key", "symmetric1"}}, "Encrypt");
  const std::string length = std::to_string(state.range(0));
  for (auto _ : state) Operate(cut, length, state);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EncryptCut)->Arg(384)->Arg(1024)->Arg(65536);

void BM_SignCut(benchmark::State& state, const char* key) {
  cuts::crypto::SignCut cut;
  SetUpOrDie(cut, {{"key", key}}, "Sign");
  for (auto _ : state) Operate(cut, "1024", state);
}
BENCHMARK_CAPTURE(BM_SignCut, ec_p384, "asymmetric1")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_SignCut, rsa_3072, "asymmetric2")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace pylogen
