// The end-of-run summary: derived warnings, text and JSON renderings.
#include "output/run_summary.h"

#include <signal.h>
#include <time.h>

#include <cstring>

#include <fmt/format.h>
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

// A short run's few records waiting for the reader's next pass are a
// healthy queue: the reader fell behind only when half a ring was waiting.
TEST_F(RunSummaryTest, AQueueOfAFewRecordsInLargeRingsIsFine) {
  summary_.ring_capacity = 16384;
  agg_.OfferQueueLength(10, 1);  // > 4 x 2 cores, far below half a ring
  AddDerivedWarnings(summary_);
  EXPECT_FALSE(Warns("biased"));
  agg_.OfferQueueLength(8193, 2);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("stats queue high-water mark 8193 records > 8192"));
}

TEST_F(RunSummaryTest, QueueAtFourTimesCoresIsFine) {
  agg_.OfferQueueLength(8, 1);
  AddDerivedWarnings(summary_);
  EXPECT_FALSE(Warns("biased"));
}

TEST_F(RunSummaryTest, LocalAndGlobalThroughputsThatDisagreeAreWarned) {
  // Global 100 req/s, but runners claim 300 ops/s in total, for 5 intervals,
  // and the producers had to wait for room: the reader fell behind.
  stats::Record r = Request(1, 1);
  for (int i = 0; i < 5; ++i) {
    r.local_throughput = 300;
    for (int k = 0; k < 100; ++k) agg_.Add(0, r);
    agg_.Tick(i, 1.0);
  }
  summary_.operations = agg_.requests();
  summary_.producer_waits = 3;
  summary_.producer_wait_ns = 1'000'000;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("global throughput is 0.33 x the sum of the local throughputs"));
}

// cuts/Dummy --proc 2 --duration 6 --extra '{"sleep":2}': operations of 2 s
// against 1 s intervals make intervals of 0 and 2 requests while each
// runner says 0.5/s; the queue never held more than 2 records and nobody
// waited. The ratio (2.00) used to be warned about: the reader was not behind.
TEST_F(RunSummaryTest, SlowOperationsOnAHealthyRunAreNotWarnedAbout) {
  stats::Record r = Request(1, 1);
  r.local_throughput = 0.5;
  for (int i = 0; i < 6; ++i) {
    if (i % 2 == 1) {
      agg_.Add(0, r);
      agg_.Add(1, r);
    }
    agg_.Tick(i, 1.0);
  }
  agg_.OfferQueueLength(2, 1);
  summary_.operations = agg_.requests();
  AddDerivedWarnings(summary_);
  EXPECT_FALSE(Warns("local throughputs")) << summary_.warnings.front();
  EXPECT_FALSE(Warns("biased"));
  // The same figures with producers that waited for room: said.
  summary_.warnings.clear();
  summary_.producer_waits = 1;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("global throughput is 2.00 x the sum of the local throughputs"));
}

// scenarios/day_profile.txt: PEAK ran 25 s of a 105 s run at about 25/s; its
// rate was over the whole run (6.0/s). Each id's rate is over its own span.
TEST(RunSummarySpan, ALoadsRateIsOverItsOwnActiveSpan) {
  stats::Aggregator agg({"BASE", "PEAK"}, {"Cut", "Cut"});
  constexpr std::int64_t kStart = 1'700'000'000'000'000'000;
  constexpr std::int64_t kSecond = 1'000'000'000;
  for (std::int64_t i = 0; i < 100; ++i) agg.Add(0, Request(kStart + i * kSecond, kSecond));  // 100 s at 1/s
  for (std::int64_t i = 0; i < 250; ++i) {  // 10 s at 25/s, from 40 s
    stats::Record r = Request(kStart + 40 * kSecond + i * 40'000'000, 40'000'000);
    r.load = 1;
    agg.Add(1, r);
  }
  RunSummary s;
  s.stats = &agg;
  s.start_wall_ns = agg.first_begin_ns();
  s.end_wall_ns = agg.last_end_ns();
  s.duration_s = 100;
  nlohmann::json j = SummaryJson(s);
  ASSERT_EQ(j["ids"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["ids"][0]["rate"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["ids"][1]["rate"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(j["ids"][1]["active_s"].get<double>(), 10.0);
  EXPECT_NE(j["ids"][1]["start"].get<std::string>(), j["ids"][0]["start"].get<std::string>());
  EXPECT_DOUBLE_EQ(j["names"][1]["rate"].get<double>(), 25.0);  // its names' too
  EXPECT_DOUBLE_EQ(j["requests"]["rate"].get<double>(), 3.5);   // the run's: over the run
  std::string text = SummaryText(s);
  std::size_t id_table = text.find("per id");
  ASSERT_NE(id_table, std::string::npos);
  std::size_t peak = text.find("  PEAK ", id_table);
  ASSERT_NE(peak, std::string::npos) << text;
  std::string row = text.substr(peak, text.find('\n', peak) - peak);
  EXPECT_NE(row.find(" 25.0 "), std::string::npos) << row;
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
  EXPECT_TRUE(Warns("runner-1 (pid 77) of ID crashed: killed by SIGKILL"));
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
  EXPECT_EQ(kReportSchema, 2);
  EXPECT_EQ(j["schema"], kReportSchema);
  EXPECT_EQ(j["intervals"], nlohmann::json::array());  // none given
  summary_.intervals = nlohmann::json::array({{{"start_ns", 0}}});
  EXPECT_EQ(SummaryJson(summary_)["intervals"], summary_.intervals);
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

// ---- The injector as the bottleneck: an event-driven process' own loop.

WorkerSummary EventWorker(const std::string& name, double busy, std::int64_t lag_p99_ns,
                          std::int64_t run_ns = 10'000'000'000) {
  WorkerSummary w;
  w.name = name;
  w.load_id = "ID";
  w.state = "ended";
  w.pid = 42;
  w.event_driven = true;
  w.loop.run_ns = run_ns;
  w.loop.cpu_ns = static_cast<std::int64_t>(busy * static_cast<double>(run_ns));
  w.loop.lag_p99_ns = lag_p99_ns;
  w.loop.lag_max_ns = lag_p99_ns;
  w.loop.timers = 1000;
  return w;
}

constexpr std::int64_t kQuiet = 65'536;  // a lag p99 bound of 65.54 us

TEST_F(RunSummaryTest, ABusyProcessWarnsThatPylogenInflatedServiceTimes) {
  summary_.workers.push_back(EventWorker("worker-0", 0.95, kQuiet));
  AddDerivedWarnings(summary_);
  ASSERT_EQ(summary_.warnings.size(), 1u);
  EXPECT_EQ(summary_.warnings[0],
            "worker-0 was 95% busy (CPU): pylogen itself inflated service times; spread the load "
            "over more processes (--process, --maxworkers) or lower --concurrency");
}

TEST_F(RunSummaryTest, HalfBusyWithPromptTimersDoesNotWarn) {
  summary_.workers.push_back(EventWorker("worker-0", 0.5, kQuiet));
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
}

TEST_F(RunSummaryTest, LateTimersWarn) {
  summary_.workers.push_back(EventWorker("worker-0", 0.5, 2'097'152));  // bucket [1.05, 2.10) ms
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-0's timers fired up to 2.10ms late (p99): pylogen itself inflated"));
}

TEST_F(RunSummaryTest, TwoMillisecondsOfLagWarn) {
  summary_.workers.push_back(EventWorker("worker-0", 0.5, 2'000'000));
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-0's timers fired up to 2.00ms late (p99)"));
}

TEST_F(RunSummaryTest, ALagBucketThatStraddlesOneMillisecondDoesNotWarn) {
  // p99 bound 2^20 ns: the p99 lies in [0.52, 1.05) ms, not surely above 1 ms.
  summary_.workers.push_back(EventWorker("worker-0", 0.5, 1'048'576));
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
}

TEST_F(RunSummaryTest, BusyAndLateAreSaidTogether) {
  summary_.workers.push_back(EventWorker("worker-0", 0.97, 2'097'152));
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-0 was 97% busy (CPU) and its timers fired up to 2.10ms late (p99): "
                    "pylogen itself inflated service times"));
}

TEST_F(RunSummaryTest, AShortRunIsNotJudged) {
  // Under a second, the CPU share (set-up included) and a few timers say nothing.
  summary_.workers.push_back(EventWorker("worker-0", 1.0, 8'388'608, 999'999'999));
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
  summary_.workers.back().loop.run_ns = kJudgedRunNs;
  summary_.workers.back().loop.cpu_ns = kJudgedRunNs;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-0 was 100% busy (CPU)"));
}

TEST_F(RunSummaryTest, ABlockingProcessIsNeverJudgedByItsLoop) {
  WorkerSummary w = EventWorker("runner-1", 1.0, 8'388'608);
  w.event_driven = false;
  summary_.workers.push_back(w);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
}

TEST_F(RunSummaryTest, OneBottleneckWarningNamesTheFirstFiveAndCountsTheRest) {
  for (int i = 0; i < 8; ++i) {
    summary_.workers.push_back(EventWorker(fmt::format("worker-{}", i), 0.99, kQuiet));
  }
  AddDerivedWarnings(summary_);
  ASSERT_EQ(summary_.warnings.size(), 1u);
  const std::string& w = summary_.warnings[0];
  EXPECT_NE(w.find("worker-0 was 99% busy (CPU), worker-1 was 99% busy (CPU)"), std::string::npos) << w;
  EXPECT_NE(w.find("worker-4 was 99% busy (CPU), and 3 more: pylogen itself"), std::string::npos) << w;
  EXPECT_EQ(w.find("worker-5"), std::string::npos) << w;
}

TEST_F(RunSummaryTest, CallbackErrorsAreNamedWithTheirFirstMessage) {
  WorkerSummary w = EventWorker("worker-3", 0.1, kQuiet, 1000);  // short: not judged busy
  w.pid = 77;
  w.loop.callback_errors = 4;
  w.loop.callback_error = "timer callback: boom";
  summary_.workers.push_back(w);
  summary_.unlisted_callback_errors = 2;
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-3 (pid 77) of ID: 4 exception(s) escaped its event loop's callbacks, "
                    "the first: timer callback: boom"));
  EXPECT_TRUE(Warns("2 exception(s) escaped the event loop callbacks of processes not listed"));
}

TEST_F(RunSummaryTest, TheCutsMisuseIsOneWarningEachWithTheTotals) {
  WorkerSummary a = EventWorker("worker-3", 0.1, kQuiet, 1000);
  a.loop.stray_completions = 100;
  WorkerSummary b = EventWorker("worker-4", 0.1, kQuiet, 1000);
  b.loop.stray_completions = 200;
  b.loop.cancel_errors = 3;
  b.loop.cancel_error = "C: cancel broke";
  summary_.workers.push_back(a);
  summary_.workers.push_back(b);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("300 Complete() call(s) of operations not in flight were ignored, in 2 process(es) "
                    "(see the report's workers)"));
  EXPECT_TRUE(Warns("3 cancel() call(s) threw, in 1 process(es); the first: C: cancel broke"));
  nlohmann::json j = SummaryJson(summary_);
  EXPECT_EQ(j["workers"][2]["loop"]["stray_completions"], 200);
  EXPECT_EQ(j["workers"][2]["loop"]["cancel_errors"], 3);
  EXPECT_EQ(j["workers"][2]["loop"]["cancel_error"], "C: cancel broke");
}

TEST_F(RunSummaryTest, AnEndedProcessWhoseTeardownFailedIsWarnedOf) {
  WorkerSummary w = EventWorker("runner-2", 0.1, kQuiet, 1000);
  w.pid = 55;
  w.state = "ended";
  w.error = "X: teardown failed: broke";
  summary_.workers.push_back(w);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("runner-2 (pid 55) of ID: X: teardown failed: broke"));
}

TEST_F(RunSummaryTest, TheReportCarriesEachEventDrivenProcessLoop) {
  WorkerSummary w = EventWorker("worker-0", 0.25, 131'072, 4'000'000'000);
  w.loop.lag_max_ns = 300'000;
  w.loop.callback_errors = 1;
  w.loop.callback_error = "boom";
  summary_.workers.push_back(w);
  nlohmann::json j = SummaryJson(summary_);
  EXPECT_FALSE(j["workers"][0].contains("loop"));  // runner-0 is blocking
  const nlohmann::json& loop = j["workers"][1]["loop"];
  EXPECT_DOUBLE_EQ(loop["cpu_s"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(loop["run_s"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(loop["busy"].get<double>(), 0.25);
  EXPECT_EQ(loop["lag_p99_ns"], 131'072);
  EXPECT_EQ(loop["lag_max_ns"], 300'000);
  EXPECT_EQ(loop["timers"], 1000);
  EXPECT_EQ(loop["callback_errors"], 1);
  EXPECT_EQ(loop["callback_error"], "boom");
  std::string text = SummaryText(summary_);
  EXPECT_NE(text.find("operations 0, loop 25% busy, timers late up to 131.07us (p99)"),
            std::string::npos) << text;
}

TEST_F(RunSummaryTest, TheTextBoundsTheP99ByTheLargestLag) {
  WorkerSummary w = EventWorker("worker-0", 0.5, 4'194'304);  // bucket [2.10, 4.19) ms
  w.loop.lag_max_ns = 3'000'000;
  summary_.workers.push_back(w);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("worker-0's timers fired up to 3.00ms late (p99)"));
  EXPECT_EQ(SummaryJson(summary_)["workers"][1]["loop"]["lag_p99_ns"], 4'194'304);
}

// A generator killed by a signal is said by the signal's name, as workers are.
TEST_F(RunSummaryTest, ACrashedGeneratorIsSaidByTheSignalsName) {
  OpenedSummary o;
  o.load_id = "Dummy";
  o.generator_state = "crashed";
  o.generator_signal = SIGSEGV;
  summary_.opened.push_back(o);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("Dummy: the generator crashed: killed by SIGSEGV"));
}

// ---- The opened model's limit: --maxworkers x --concurrency reached.

OpenedSummary Opened(bool event_driven) {
  OpenedSummary o;
  o.load_id = event_driven ? "AsyncDummy" : "Dummy";
  o.generator_state = "ended";
  o.max_workers = 2;
  o.concurrency = event_driven ? 5000 : 1;
  o.event_driven = event_driven;
  return o;
}

// 2024-01-02 10:00:03.120 local time, as epoch ns.
std::int64_t LocalTime() {
  tm t{};
  t.tm_year = 124;
  t.tm_mon = 0;
  t.tm_mday = 2;
  t.tm_hour = 10;
  t.tm_min = 0;
  t.tm_sec = 3;
  t.tm_isdst = -1;
  return static_cast<std::int64_t>(mktime(&t)) * 1'000'000'000 + 120'000'000;
}

TEST_F(RunSummaryTest, AnEventDrivenLoadAtItsLimitSaysWhatToRaise) {
  OpenedSummary o = Opened(true);
  o.limit_checks = 7;
  o.limit_since_wall_ns = LocalTime();
  o.limit_wanted = 3;
  o.waited_longer_than_service = 1234;
  summary_.opened.push_back(o);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("AsyncDummy: reached --maxworkers 2 x --concurrency 5000 = 10000 calls in "
                    "flight from 10:00:03.120 (the controller wanted 3 workers); 1234 events "
                    "waited longer than their own service time: raise --maxworkers or "
                    "--concurrency"));
  nlohmann::json limit = SummaryJson(summary_)["opened"][0]["limit"];
  EXPECT_EQ(limit["reached"], true);
  EXPECT_EQ(limit["since"].get<std::string>().size(), std::string("2024-01-02T09:00:03.120000Z").size());
  EXPECT_EQ(limit["wanted_workers"], 3);
  EXPECT_EQ(limit["max_workers"], 2);
  EXPECT_EQ(limit["concurrency"], 5000);
  EXPECT_EQ(limit["capped_checks"], 7);
  EXPECT_EQ(limit["events_waited_longer_than_service"], 1234);
  std::string text = SummaryText(summary_);
  EXPECT_NE(text.find("limit: reached (--maxworkers 2 x --concurrency 5000) at 7 checks from "
                      "2024-01-02 10:00:03.120, 3 workers wanted at most"),
            std::string::npos) << text;
  EXPECT_NE(text.find("events that waited longer than their own service time: 1234"),
            std::string::npos) << text;
}

TEST_F(RunSummaryTest, ABlockingLoadAtItsLimitAsksForMoreWorkers) {
  OpenedSummary o = Opened(false);
  o.limit_checks = 1;
  o.limit_since_wall_ns = LocalTime();
  o.limit_wanted = 40;
  o.waited_longer_than_service = 5;
  summary_.opened.push_back(o);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(Warns("Dummy: reached --maxworkers 2 (a blocking CUT: one call in flight per "
                    "worker) from 10:00:03.120 (the controller wanted 40 workers); 5 events "
                    "waited longer than their own service time: raise --maxworkers (or use an "
                    "event-driven CUT)"));
  EXPECT_FALSE(Warns("--concurrency"));
}

TEST_F(RunSummaryTest, ALoadBelowItsLimitDoesNotWarn) {
  OpenedSummary o = Opened(true);
  o.waited_longer_than_service = 3;  // counted and reported, but no limit was reached
  summary_.opened.push_back(o);
  AddDerivedWarnings(summary_);
  EXPECT_TRUE(summary_.warnings.empty()) << summary_.warnings.front();
  nlohmann::json limit = SummaryJson(summary_)["opened"][0]["limit"];
  EXPECT_EQ(limit["reached"], false);
  EXPECT_TRUE(limit["since"].is_null());
  EXPECT_EQ(limit["events_waited_longer_than_service"], 3);
  EXPECT_NE(SummaryText(summary_).find("limit: not reached (--maxworkers 2 x --concurrency 5000)"),
            std::string::npos);
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
