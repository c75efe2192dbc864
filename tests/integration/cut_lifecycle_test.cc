// What the README's "Writing a CUT" says of a blocking CUT's hooks, checked
// with the real binary and the test CUT Lifecycle (tests/cuts/Lifecycle.cc),
// which logs every hook with its process index: the order of the hooks in
// both models (resetBeforeSteps() never in the opened model), a failing
// setup() that fails its runner only, and when teardown() runs: after
// --loops, --duration and a stop, never after a failed setup() nor a kill
// at the end of --grace. Counts and order only, no timings.
#include <signal.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// The hooks each process logged, in order: process index -> hooks.
std::map<int, std::vector<std::string>> HooksOf(const std::string& log) {
  std::map<int, std::vector<std::string>> hooks;
  for (const std::string& line : Lines(ReadFile(log))) {
    std::size_t space = line.find(' ');
    if (space == std::string::npos) continue;
    hooks[std::stoi(line.substr(0, space))].push_back(line.substr(space + 1));
  }
  return hooks;
}

std::string Extra(const std::string& log, const std::string& more = "") {
  return R"({"log":")" + log + "\"" + (more.empty() ? "" : "," + more) + "}";
}

std::size_t Count(const std::vector<std::string>& hooks, const std::string& hook) {
  return static_cast<std::size_t>(std::count(hooks.begin(), hooks.end(), hook));
}

TEST(CutLifecycle, ClosedModelHookOrder) {
  std::string log = TempPath("closed.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--loops", "2", "--lengths", "a,b", "--extra", Extra(log)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 1u);
  std::vector<std::string> loop = {"steps", "step", "gen", "process", "func a",
                                   "step",  "gen",  "process", "func b"};
  std::vector<std::string> expected = {"setup"};
  expected.insert(expected.end(), loop.begin(), loop.end());
  expected.insert(expected.end(), loop.begin(), loop.end());
  expected.push_back("teardown");
  expected.push_back("teardown-end");
  EXPECT_EQ(hooks[0], expected);
}

// No loops in the opened model: resetBeforeSteps() is never called, and a
// worker cycles through the lengths on its own, one per event.
TEST(CutLifecycle, OpenedModelNeverCallsResetBeforeSteps) {
  std::string log = TempPath("opened.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--openedmodel", "--schedule", "1@10", "--prefork", "1",
                       "--minworkers", "1", "--maxworkers", "1", "--lengths", "a,b,c", "--extra", Extra(log)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 1u);
  const std::vector<std::string>& h = hooks.begin()->second;
  ASSERT_GE(h.size(), 4u);
  EXPECT_EQ(h.front(), "setup");
  EXPECT_EQ(Count(h, "steps"), 0u);
  EXPECT_EQ(Count(h, "setup"), 1u);
  EXPECT_EQ(Count(h, "teardown"), 1u);
  EXPECT_EQ(h[h.size() - 2], "teardown");
  EXPECT_EQ(h.back(), "teardown-end");
  std::vector<std::string> funcs;
  for (const std::string& hook : h) {
    if (hook.rfind("func ", 0) == 0) funcs.push_back(hook.substr(5));
  }
  ASSERT_GE(funcs.size(), 3u);  // 10/s for 1 s
  EXPECT_EQ(Count(h, "step"), funcs.size());
  for (std::size_t i = 0; i < funcs.size(); ++i) EXPECT_EQ(funcs[i], std::string(1, "abc"[i % 3])) << i;
}

// A failing setup() fails its runner only: the others run their loops and
// tear down; the failed one never tears down; the run exits 3.
TEST(CutLifecycle, ASetupThatFailsFailsItsRunnerOnly) {
  std::string log = TempPath("setup.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--process", "3", "--loops", "2", "--extra",
                       Extra(log, R"("fail_setup":1)")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("pylogen: error: runner-1 failed setup: Lifecycle: setup failed: setup refused"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(EventLines(r.out).size(), 4u);  // runners 0 and 2, 2 loops of one length
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 3u);
  EXPECT_EQ(hooks[1], std::vector<std::string>{"setup"});
  for (int i : {0, 2}) {
    EXPECT_EQ(Count(hooks[i], "func 0"), 2u) << i;
    EXPECT_EQ(hooks[i].back(), "teardown-end") << i;
  }
}

TEST(CutLifecycle, TeardownRunsAfterTheDuration) {
  std::string log = TempPath("duration.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--process", "2", "--duration", "0.3", "--extra",
                       Extra(log, R"("sleep":0.05)")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 2u);
  for (auto& [index, h] : hooks) {
    EXPECT_EQ(Count(h, "teardown-end"), 1u) << index;
    EXPECT_EQ(h.back(), "teardown-end") << index;
  }
}

// A first SIGINT: the calls in flight finish, then every runner tears down.
TEST(CutLifecycle, TeardownRunsAfterAStop) {
  std::string log = TempPath("stop.log");
  RunSpec spec;
  spec.args = {TestCut("Lifecycle"), "--process", "2", "--duration", "60", "--extra",
               Extra(log, R"("sleep":0.05)")};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  ASSERT_EQ(r.exit_code, 130) << r.err;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 2u);
  for (auto& [index, h] : hooks) EXPECT_EQ(h.back(), "teardown-end") << index;
}

// A call that outlasts --duration + --grace: its runner is killed, and its
// teardown() never runs.
TEST(CutLifecycle, NoTeardownAfterAGraceKill) {
  std::string log = TempPath("grace.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--duration", "0.2", "--grace", "0.3", "--extra",
                       Extra(log, R"("sleep":60)")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("was killed after the grace period"), std::string::npos) << r.out;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].back(), "func 0");
  EXPECT_EQ(Count(hooks[0], "teardown"), 0u);
}

// teardown() shares the grace period: one still running at its end is
// killed like a busy call.
TEST(CutLifecycle, ATeardownOutlastingTheGraceIsKilled) {
  std::string log = TempPath("slow_teardown.log");
  auto r = RunPylogen({TestCut("Lifecycle"), "--duration", "0.2", "--grace", "0.3", "--extra",
                       Extra(log, R"("teardown_sleep":60)")});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  auto hooks = HooksOf(log);
  ASSERT_EQ(hooks.size(), 1u);
  EXPECT_EQ(hooks[0].back(), "teardown");
  EXPECT_EQ(Count(hooks[0], "teardown-end"), 0u);
}

}  // namespace
}  // namespace pylogen::testing
