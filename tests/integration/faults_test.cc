// Faults (DESIGN §7) with purpose-built test CUTs: a CUT that throws, a
// worker that crashes or is killed, a call that hangs, SIGINT/SIGTERM, a
// queue too small for the load. After every run: no process of the run and
// no shared-memory segment is left behind, and no record is lost.
#include <signal.h>

#include <set>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

class Faults : public ::testing::Test {
 protected:
  void SetUp() override { shm_before_ = ShmEntries(); }
  // Nothing left behind by the run: no process of its group, no segment.
  void ExpectNothingLeft(const RunResult& r) {
    EXPECT_TRUE(GroupGone(r.pgid, 2)) << "processes of the run are still alive";
    auto after = ShmEntries();
    std::set<std::string> before(shm_before_.begin(), shm_before_.end());
    for (const auto& name : after) EXPECT_TRUE(before.count(name)) << "/dev/shm/" << name << " left";
  }
  // Lines == summary count == the report's count (lines are requests only here).
  static void ExpectNothingLost(const std::vector<std::string>& lines, const nlohmann::json& report) {
    EXPECT_EQ(lines.size(), report["requests"]["count"].get<std::size_t>());
  }
  std::vector<std::string> shm_before_;
};

nlohmann::json Worker(const nlohmann::json& report, const std::string& name) {
  for (const auto& w : report["workers"]) {
    if (w["name"] == name) return w;
  }
  return nlohmann::json();
}

TEST_F(Faults, ThrowingCutGivesRc16AndTheRunGoesOn) {
  std::string report = TempPath("throw.json");
  auto r = RunPylogen({TestCut("Throw"), "--loops", "10", "--extra", R"({"every":2})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 10u);
  EXPECT_EQ(CountContaining(lines, " RC 16 "), 5u);
  EXPECT_EQ(CountContaining(lines, "boom 4"), 1u);
  EXPECT_EQ(ReadJson(report)["requests"]["errors"], 5);
  ExpectNothingLeft(r);
}

TEST_F(Faults, ExceptionOutsideARequestIsRecordedAsFunc) {
  auto r = RunPylogen({TestCut("Throw"), "--loops", "3", "--extra", R"({"outside":true})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(CountContaining(lines, ".Throw.func "), 3u);
  EXPECT_EQ(CountContaining(lines, " RC 16 "), 3u);
}

TEST_F(Faults, CrashedWorkerIsNamedAndTheOthersCarryOn) {
  std::string report = TempPath("crash.json");
  auto r = RunPylogen({TestCut("Crash"), "--process", "2", "--duration", "1.5", "--extra",
                       R"({"process":0,"at":5,"sleep":0})", "--report", report,
                       "--outformat", "short"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto j = ReadJson(report);
  auto crashed = Worker(j, "runner-0");
  EXPECT_EQ(crashed["state"], "crashed");
  EXPECT_EQ(crashed["signal"], SIGSEGV);
  EXPECT_EQ(crashed["operations"], 4);  // its records before the crash are counted
  auto survivor = Worker(j, "runner-1");
  EXPECT_EQ(survivor["state"], "ended");
  EXPECT_GT(survivor["operations"].get<int>(), 100);
  EXPECT_NE(r.out.find("runner-0 (pid "), std::string::npos);
  EXPECT_NE(r.out.find("crashed: killed by SIGSEGV"), std::string::npos) << r.out;
  ExpectNothingLost(EventLines(r.out), j);
  EXPECT_EQ(j["requests"]["count"], j["operations"]);
  ExpectNothingLeft(r);
}

TEST_F(Faults, WorkerKilledFromOutsideIsNoticed) {
  RunSpec spec;
  std::string report = TempPath("killed.json");
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "2.5", "--extra",
               R"({"sleep":0.01})", "--report", report};
  spec.signals = {{1.0, SIGKILL, "runner-1"}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(Worker(j, "runner-1")["state"], "crashed");
  EXPECT_EQ(Worker(j, "runner-1")["signal"], SIGKILL);
  EXPECT_EQ(Worker(j, "runner-0")["state"], "ended");
  EXPECT_GT(Worker(j, "runner-0")["operations"].get<int>(), Worker(j, "runner-1")["operations"].get<int>());
  EXPECT_NE(r.out.find("crashed: killed by SIGKILL"), std::string::npos) << r.out;
  ExpectNothingLost(EventLines(r.out), j);
  ExpectNothingLeft(r);
}

TEST_F(Faults, SigintStopsGracefullyWithSummaryAndReport) {
  RunSpec spec;
  std::string report = TempPath("sigint.json");
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "60", "--extra",
               R"({"sleep":0.05})", "--report", report};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
  auto j = ReadJson(report);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_EQ(Worker(j, "runner-0")["state"], "ended");  // its call in flight finished
  ExpectNothingLost(EventLines(r.out), j);
  EXPECT_EQ(j["requests"]["count"], j["operations"]);
  ExpectNothingLeft(r);
}

TEST_F(Faults, SigtermStopsGracefullyToo) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "60", "--extra", R"({"sleep":0.05})"};
  spec.signals = {{1.0, SIGTERM, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
  ExpectNothingLeft(r);
}

TEST_F(Faults, HungCallIsKilledAfterTheGracePeriod) {
  RunSpec spec;
  spec.args = {TestCut("Hang"), "--process", "2", "--duration", "60", "--grace", "1"};
  spec.signals = {{0.5, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_GE(r.elapsed_s, 1.4);
  EXPECT_LT(r.elapsed_s, 8);
  EXPECT_NE(r.out.find("was killed after the grace period"), std::string::npos) << r.out;
  ExpectNothingLeft(r);
}

TEST_F(Faults, SecondSignalStopsAtOnce) {
  RunSpec spec;
  spec.args = {TestCut("Hang"), "--process", "2", "--duration", "60", "--grace", "30"};
  spec.signals = {{0.5, SIGINT, ""}, {1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_LT(r.elapsed_s, 5);
  EXPECT_EQ(r.out.find("== pylogen summary =="), std::string::npos);
  EXPECT_NE(r.err.find("stopping at once"), std::string::npos) << r.err;
  ExpectNothingLeft(r);
}

TEST_F(Faults, RunnerOverrunningItsDurationIsKilled) {
  auto r = RunPylogen({TestCut("Hang"), "--duration", "0.5", "--grace", "0.5"}, 20);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed_s, 5);
  EXPECT_NE(r.out.find("was killed after the grace period"), std::string::npos) << r.out;
  ExpectNothingLeft(r);
}

TEST_F(Faults, FailingSetupIsReported) {
  auto r = RunPylogen({TestCut("FailSetup"), "--process", "2", "--loops", "3"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("failed (exit code 1): FailSetup: setup failed: no key file for this test"),
            std::string::npos) << r.out;
  EXPECT_NE(r.err.find("no key file for this test"), std::string::npos);
  ExpectNothingLeft(r);
}

TEST_F(Faults, EmptyOperationsAreWarnedAbout) {
  auto r = RunPylogen({TestCut("Empty"), "--loops", "4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("4 operations made no request"), std::string::npos) << r.out;
}

// A ring of 2 records for 4 busy producers: they must wait, nothing is lost.
TEST_F(Faults, TinyQueueMakesProducersWaitAndLosesNothing) {
  std::string report = TempPath("tiny.json");
  std::string lines_file = TempPath("tiny.txt");
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "4", "--loops", "20000", "--queue", "2",
                       "--extra", R"({"sleep":0})", "--output", lines_file, "--report", report}, 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 80000);
  EXPECT_EQ(j["operations"], 80000);
  EXPECT_EQ(Lines(ReadFile(lines_file)).size(), 80000u);
  EXPECT_GT(j["producer_wait"]["count"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["producer_wait"]["ring_capacity"], 2);
  EXPECT_NE(r.out.find("producers waited"), std::string::npos);
  ExpectNothingLeft(r);
}

}  // namespace
}  // namespace pylogen::testing
