// The end-of-run summary: derived warnings, text and JSON renderings.
#include "output/run_summary.h"

#include <signal.h>

#include <cstring>

#include <gtest/gtest.h>

namespace pylogen::output {
namespace {

stats::Record Request(std::int64_t begin, std::int64_t service) {
  stats::Record r{};
  r.kind = stats::RecordKind::kRequest;
  r.begin_ns = begin;
  r.service_ns = service;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, "R");
  return r;
}

class RunSummaryTest : public ::testing::Test {
 protected:
  RunSummaryTest() : agg_({"ID"}, {"Cut"}) {
    for (int i = 0; i < 100; ++i) agg_.Add(0, Request(1'000'000'000 + i * 10'000'000, 1'000'000));
    summary_.stats = &agg_;
    summary_.cores = 2;
    summary_.start_wall_ns = agg_.first_begin_ns();
    summary_.end_wall_ns = agg_.last_end_ns();
    summary_.duration_s = 1.0;
    summary_.operations = 100;
    WorkerSummary w;
    w.name = "runner-0";
    w.load_id = "ID";
    w.state = "ended";
    w.operations = 100;
    summary_.workers.push_back(w);
  }
  bool Warns(const std::string& needle) {
    for (const auto& w : summary_.warnings) {
      if (w.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  stats::Aggregator agg_;
  RunSummary summary_;
};

TEST_F(RunSummaryTest, CleanRunHasNoWarning) {
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
}

TEST_F(RunSummaryTest, SharedMemoryAndForkFailuresAreStated) {
  summary_.shared_memory_bytes = 3 << 20;
  summary_.ring_bytes = 2 << 20;
  summary_.ring_budget_bytes = 64 << 20;
  summary_.fork_failures = 3;
  summary_.fork_error = "cannot fork runner-7: Resource temporarily unavailable";
  summary_.unlisted_processes = 2;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("3 fork(s) failed, the first: cannot fork runner-7: Resource temporarily unavailable"));
  std::string text = SummaryText(summary_);
  EXPECT_NE(text.find("shared memory: 3145728 bytes (3.0 MiB), of which rings 2.0 MiB; ring budget 64.0 MiB"),
            std::string::npos) << text;
  EXPECT_NE(text.find("fork failures: 3 (first: cannot fork runner-7"), std::string::npos) << text;
  EXPECT_NE(text.find("workers: 3;"), std::string::npos) << text;  // 1 listed + 2 unlisted
  EXPECT_NE(text.find("and 2 ended processes not listed"), std::string::npos) << text;
  nlohmann::json j = SummaryJson(summary_);
  EXPECT_EQ(j["shared_memory"]["bytes"], 3 << 20);
  EXPECT_EQ(j["shared_memory"]["ring_bytes"], 2 << 20);
  EXPECT_EQ(j["shared_memory"]["ring_budget_bytes"], 64 << 20);
  EXPECT_EQ(j["fork_failures"]["count"], 3);
  EXPECT_EQ(j["fork_failures"]["first_error"], summary_.fork_error);
  EXPECT_EQ(j["unlisted_workers"], 2);
}

TEST_F(RunSummaryTest, DeepQueueWarnsThatGlobalThroughputIsBiased) {
  agg_.OfferQueueLength(9, 1);  // > 4 x 2 cores
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("global throughput biased"));
}

TEST_F(RunSummaryTest, QueueAtFourTimesCoresIsFine) {
  agg_.OfferQueueLength(8, 1);
  AddDerivedWarnings(summary_);
  EXPECT_FALSE(Warns("biased"));
}

TEST_F(RunSummaryTest, LocalAndGlobalThroughputsThatDisagreeAreWarned) {
  // Global 100 req/s, but runners claim 300 ops/s in total, for 5 intervals.
  stats::Record r = Request(1, 1);
  for (int i = 0; i < 5; ++i) {
    r.local_throughput = 300;
    for (int k = 0; k < 100; ++k) agg_.Add(0, r);
    agg_.Tick(i, 1.0);
  }
  summary_.operations = agg_.requests();
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("sum of the local throughputs"));
}

TEST_F(RunSummaryTest, WorkerFaultsAreNamed) {
  WorkerSummary crashed = summary_.workers[0];
  crashed.name = "runner-1";
  crashed.pid = 77;
  crashed.state = "crashed";
  crashed.signal = SIGKILL;
  WorkerSummary failed = crashed;
  failed.name = "runner-2";
  failed.state = "failed";
  failed.exit_code = 1;
  failed.error = "setup failed: no key";
  WorkerSummary killed = crashed;
  killed.name = "runner-3";
  killed.state = "killed";
  summary_.workers.insert(summary_.workers.end(), {crashed, failed, killed});
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("runner-1 (pid 77) of ID crashed: Killed (signal 9)"));
  EXPECT_TRUE(Warns("runner-2 (pid 77) of ID failed (exit code 1): setup failed: no key"));
  EXPECT_TRUE(Warns("runner-3 (pid 77) of ID was killed after the grace period"));
}

TEST_F(RunSummaryTest, EmptyOperationsAndInterruptionAreWarned) {
  summary_.workers[0].empty_operations = 3;
  summary_.interrupted = true;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("3 operations made no request"));
  EXPECT_TRUE(Warns("interrupted"));
}

TEST_F(RunSummaryTest, TextShowsCountsPercentilesAndMarks) {
  std::string text = SummaryText(summary_);
  for (const char* expected : {"requests: 100 (0 errors), 100.0/s", "ID.Cut.0.M.R", "p99.9",
                               "1.00ms", "high-water marks:", "runner-0"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
}

TEST_F(RunSummaryTest, JsonCarriesTheSchemaAndALosslessHistogram) {
  nlohmann::json j = SummaryJson(summary_);
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["requests"]["count"], 100);
  EXPECT_EQ(j["transactions"]["count"], 0);
  EXPECT_DOUBLE_EQ(j["duration_s"].get<double>(), 1.0);
  const auto& name = j["names"][0];
  EXPECT_EQ(name["name"], "ID.Cut.0.M.R");
  EXPECT_EQ(name["service"]["p50_ns"], agg_.names()[0].service.ValueAtPercentile(50));
  auto back = stats::Histogram::FromJson(name["service"]["histogram"]);
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_TRUE(*back == agg_.names()[0].service);
  EXPECT_EQ(j["ids"][0]["requests"], 100);
  EXPECT_EQ(j["workers"][0]["name"], "runner-0");
}

TEST(HumanDuration, PicksTheUnitThatReadsBest) {
  EXPECT_EQ(HumanDuration(0), "0ns");
  EXPECT_EQ(HumanDuration(999), "999ns");
  EXPECT_EQ(HumanDuration(1500), "1.50us");
  EXPECT_EQ(HumanDuration(2'500'000), "2.50ms");
  EXPECT_EQ(HumanDuration(3'000'000'000), "3.000s");
}

}  // namespace
}  // namespace pylogen::output
