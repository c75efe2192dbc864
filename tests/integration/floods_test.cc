// No floods (issue 10, item 6): processes that end the same way are said on
// stderr once, with their number and role, not once per process; the
// summary and the report still list every process.
#include <signal.h>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::size_t CountWorkersIn(const nlohmann::json& report, const std::string& state) {
  std::size_t n = 0;
  for (const auto& w : report["workers"]) n += w["state"] == state;
  return n;
}

TEST(Floods, FiftyRunnersFailingSetupGiveOneLine) {
  std::string report = TempPath("failsetup50.json");
  auto r = RunPylogen({TestCut("FailSetup"), "--proc", "50", "--loops", "3", "--report", report}, 60);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "50"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: error: 50 runners failed setup: FailSetup: setup failed: "
                                 "no key file for this test"),
            1u)
      << r.err;
  // At most the first one said early, on a slow machine, then the total.
  EXPECT_LE(CountContaining(err, "no key file for this test"), 2u) << r.err;
  EXPECT_EQ(CountContaining(err, "runner-"), CountContaining(err, "no key file") - 1) << r.err;
  // The summary and the report still name each of them.
  EXPECT_EQ(CountContaining(Lines(r.out), "failed (exit code 1): FailSetup: setup failed"), 50u);
  EXPECT_EQ(CountWorkersIn(ReadJson(report), "failed"), 50u);
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(Floods, OneRunnerFailingSetupIsNamedWithoutACount) {
  auto r = RunPylogen({TestCut("FailSetup"), "--loops", "3"}, 60);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto err = Lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_EQ(err[0], "pylogen: error: runner-0 failed setup: FailSetup: setup failed: no key file for this test");
}

TEST(Floods, OpenedModelWorkersFailingSetupAreCountedAsWorkers) {
  auto r = RunPylogen({TestCut("FailSetup"), "--openedmodel", "--schedule", "30@10", "--prefork", "20"}, 60);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto err = Lines(r.err);
  EXPECT_LE(CountContaining(err, "no key file for this test"), 2u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: error: 20 workers failed setup: FailSetup: setup failed: "
                                 "no key file for this test"),
            1u)
      << r.err;
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(Floods, FiftyCrashesGiveOneWarning) {
  std::string report = TempPath("crash50.json");
  auto r = RunPylogen({TestCut("Crash"), "--proc", "50", "--loops", "10", "-v", "--outformat", "none",
                       "--extra", R"({"process":-1,"at":2})", "--report", report}, 60);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "50"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 50 runners crashed: killed by SIGSEGV"), 1u) << r.err;
  EXPECT_LE(CountContaining(err, "crashed: killed by SIGSEGV"), 2u) << r.err;
  EXPECT_EQ(CountWorkersIn(ReadJson(report), "crashed"), 50u);
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(Floods, RunnersKilledAfterTheGracePeriodGiveOneWarning) {
  RunSpec spec;
  spec.args = {TestCut("Hang"), "--proc", "20", "--duration", "60", "--grace", "0.5", "-v"};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "still busy after the grace period"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 20 runners were still busy after the grace period: killed"), 1u)
      << r.err;
  EXPECT_EQ(CountContaining(Lines(r.out), "was killed after the grace period"), 20u);
  EXPECT_TRUE(GroupGone(r.pgid, 2));
}

TEST(Floods, CallbackErrorsOfManyProcessesGiveOneLine) {
  auto r = RunPylogen({TestCut("EventFaults"), "--proc", "10", "--concurrency", "3", "--loops", "1",
                       "--optimeout", "0.2", "--outformat", "none", "--extra", R"({"mode":"throw"})"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "escaped loop callbacks"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: error: 10 runners: 30 exception(s) escaped loop callbacks; "
                                 "the first: timer broke"),
            1u)
      << r.err;
}

// Item 6, the rest: teardowns that fail, exceptions escaping a process, and
// an event-driven CUT's misuse of its operations are said once, with the
// count, by the supervisor; the summary still tells.

TEST(Floods, TeardownsFailingInManyRunnersGiveOneLine) {
  std::string report = TempPath("teardown12.json");
  auto r = RunPylogen({TestCut("Throw"), "--proc", "12", "--loops", "2", "-v", "--extra",
                       R"({"teardown":true,"every":1000000})", "--report", report}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 12 runners failed teardown: Throw: teardown failed: "
                                 "teardown broke"),
            1u)
      << r.err;
  EXPECT_LE(CountContaining(err, "teardown broke"), 2u) << r.err;  // at most the first said early
  EXPECT_EQ(CountContaining(Lines(r.out), ": Throw: teardown failed: teardown broke"), 12u) << r.out;
  std::size_t in_report = 0;
  nlohmann::json json = ReadJson(report);
  for (const auto& w : json["workers"]) {
    in_report += w["error"] == "Throw: teardown failed: teardown broke" && w["state"] == "ended";
  }
  EXPECT_EQ(in_report, 12u);
}

TEST(Floods, TeardownsFailingInManyEventDrivenRunnersGiveOneLine) {
  auto r = RunPylogen({TestCut("EventFaults"), "--proc", "10", "--concurrency", "2", "--loops", "3", "-v",
                       "--extra", R"({"mode":"teardown_throws"})"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 10 runners failed teardown: EventFaults: teardown "
                                 "failed: teardown broke"),
            1u)
      << r.err;
  EXPECT_LE(CountContaining(err, "teardown broke"), 2u) << r.err;
  EXPECT_EQ(CountContaining(Lines(r.out), ": EventFaults: teardown failed: teardown broke"), 10u) << r.out;
}

TEST(Floods, AnExceptionEscapingManyRunnersGivesOneLine) {
  auto r = RunPylogen({TestCut("Throw"), "--proc", "12", "--loops", "2", "--extra", R"({"steps":true})"}, 60);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "pylogen: error: 12 runners failed: an exception escaped: steps broke"), 1u)
      << r.err;
  EXPECT_LE(CountContaining(err, "steps broke"), 2u) << r.err;
  EXPECT_EQ(CountContaining(Lines(r.out), "failed (exit code 1): an exception escaped: steps broke"), 12u)
      << r.out;
}

TEST(Floods, CompleteOfOperationsNotInFlightIsCountedNotPrintedPerCall) {
  auto r = RunPylogen({TestCut("EventFaults"), "--proc", "10", "--concurrency", "3", "--loops", "100", "-v",
                       "--extra", R"({"mode":"complete_twice"})"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "not in flight"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 10 runners: 3000 Complete() call(s) of operations not "
                                 "in flight were ignored (EventFaults)"),
            1u)
      << r.err;
  EXPECT_EQ(CountContaining(Lines(r.out), "3000 Complete() call(s) of operations not in flight were "
                                          "ignored, in 10 process(es)"),
            1u)
      << r.out;
}

TEST(Floods, CancelThrowingIsCountedNotPrintedPerCall) {
  auto r = RunPylogen({TestCut("EventFaults"), "--proc", "10", "--concurrency", "3", "--loops", "1",
                       "--optimeout", "0.2", "-v", "--extra", R"({"mode":"cancel_throws"})"}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "cancel broke"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "pylogen: warning: 10 runners: 30 cancel() call(s) threw; the first: "
                                 "EventFaults: cancel broke"),
            1u)
      << r.err;
  EXPECT_EQ(CountContaining(Lines(r.out), "30 cancel() call(s) threw, in 10 process(es); the first: "
                                          "EventFaults: cancel broke"),
            1u)
      << r.out;
}

}  // namespace
}  // namespace pylogen::testing
