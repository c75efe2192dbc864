// One line per distinct ending, with the number of processes, said when
// the hold is over or the load ends (supervisor/repeated_lines.h).
#include "supervisor/repeated_lines.h"

#include <gtest/gtest.h>

namespace pylogen::supervisor {
namespace {

constexpr std::int64_t kMs = 1'000'000;
using log::Level;

ProcessEnd Failed(std::uint32_t slot, std::string detail = "Dummy: setup failed: no key",
                  std::uint32_t load = 0) {
  return {load, EndKind::kFailedSetup, "runner-" + std::to_string(slot), "runner", std::move(detail)};
}

TEST(RepeatedLines, ProcessesFailingTogetherGiveOneLineWithTheirCount) {
  RepeatedLines lines;
  for (std::uint32_t i = 0; i < 50; ++i) lines.Add(Failed(i), i * kMs);
  EXPECT_TRUE(lines.Due(500 * kMs).empty());  // held: others may follow
  EXPECT_EQ(lines.LoadEnded(0),
            (std::vector<Said>{{Level::kError, "50 runners failed setup: Dummy: setup failed: no key"}}));
  EXPECT_TRUE(lines.LoadEnded(0).empty());
  EXPECT_TRUE(lines.Due(10'000 * kMs).empty());
  EXPECT_TRUE(lines.Flush().empty());
}

TEST(RepeatedLines, AGroupOfOneNamesItsProcess) {
  RepeatedLines lines;
  lines.Add(Failed(3), 0);
  EXPECT_EQ(lines.Flush(),
            (std::vector<Said>{{Level::kError, "runner-3 failed setup: Dummy: setup failed: no key"}}));
}

TEST(RepeatedLines, TheFirstIsSaidEarlyAndTheTotalWhenTheLoadEnds) {
  RepeatedLines lines;
  lines.Add(Failed(0), 0);
  EXPECT_EQ(lines.NextDeadline(), kHoldNs);
  EXPECT_TRUE(lines.Due(kHoldNs - 1).empty());
  EXPECT_EQ(lines.Due(kHoldNs),
            (std::vector<Said>{{Level::kError, "runner-0 failed setup: Dummy: setup failed: no key"}}));
  EXPECT_EQ(lines.NextDeadline(), std::numeric_limits<std::int64_t>::max());
  for (std::uint32_t i = 1; i < 5; ++i) lines.Add(Failed(i), kHoldNs + i * kMs);
  EXPECT_TRUE(lines.Due(100 * kHoldNs).empty());  // said once already: the total waits
  EXPECT_EQ(lines.LoadEnded(0),
            (std::vector<Said>{{Level::kError, "5 runners failed setup: Dummy: setup failed: no key"}}));
}

TEST(RepeatedLines, NothingMoreIsSaidWhenNoOtherProcessJoined) {
  RepeatedLines lines;
  lines.Add(Failed(0), 0);
  EXPECT_EQ(lines.Due(kHoldNs).size(), 1u);
  EXPECT_TRUE(lines.LoadEnded(0).empty());
  EXPECT_TRUE(lines.Flush().empty());
}

TEST(RepeatedLines, DistinctTextsLoadsAndKindsAreDistinctLinesInTheirOrder) {
  RepeatedLines lines;
  lines.Add(Failed(0, "A"), 0);
  lines.Add(Failed(1, "B"), 0);
  lines.Add(Failed(2, "A"), 0);
  lines.Add(Failed(7, "A", 1), 0);
  lines.Add({0, EndKind::kCrashed, "runner-4", "runner", "killed by SIGSEGV"}, 0);
  EXPECT_EQ(lines.LoadEnded(1), (std::vector<Said>{{Level::kError, "runner-7 failed setup: A"}}));
  EXPECT_EQ(lines.LoadEnded(0), (std::vector<Said>{{Level::kError, "2 runners failed setup: A"},
                                                   {Level::kError, "runner-1 failed setup: B"},
                                                   {Level::kWarning, "runner-4 crashed: killed by SIGSEGV"}}));
}

TEST(RepeatedLines, EachKindHasItsWording) {
  ProcessEnd killed{0, EndKind::kKilledAfterGrace, "worker-2", "worker", ""};
  EXPECT_EQ(RepeatedLines::Line(killed, 1, 0), "worker-2 was still busy after the grace period: killed");
  EXPECT_EQ(RepeatedLines::Line(killed, 9, 0), "9 workers were still busy after the grace period: killed");
  ProcessEnd crashed{0, EndKind::kCrashed, "runner-0", "runner", "killed by SIGKILL"};
  EXPECT_EQ(RepeatedLines::Line(crashed, 50, 0), "50 runners crashed: killed by SIGKILL");
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kCrashed), Level::kWarning);
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kKilledAfterGrace), Level::kWarning);
}

TEST(RepeatedLines, CallbackErrorsAddUpTheirExceptions) {
  RepeatedLines lines;
  lines.Add({0, EndKind::kCallbackErrors, "worker-1", "worker", "boom", 3}, 0);
  lines.Add({0, EndKind::kCallbackErrors, "worker-2", "worker", "boom", 4}, 0);
  EXPECT_EQ(lines.Flush(), (std::vector<Said>{{Level::kError,
                                               "2 workers: 7 exception(s) escaped loop callbacks; "
                                               "the first: boom"}}));
  lines.Add({0, EndKind::kCallbackErrors, "worker-9", "worker", "other", 1}, 0);
  EXPECT_EQ(lines.Flush(), (std::vector<Said>{{Level::kError,
                                               "worker-9: 1 exception(s) escaped loop callbacks; "
                                               "the first: other"}}));
}

TEST(RepeatedLines, TeardownsEscapesAndTheCutsMisuseHaveTheirWording) {
  ProcessEnd teardown{0, EndKind::kFailedTeardown, "runner-0", "runner", "X: teardown failed: broke"};
  EXPECT_EQ(RepeatedLines::Line(teardown, 50, 0), "50 runners failed teardown: X: teardown failed: broke");
  EXPECT_EQ(RepeatedLines::Line(teardown, 1, 0), "runner-0 failed teardown: X: teardown failed: broke");
  ProcessEnd escaped{0, EndKind::kEscaped, "worker-3", "worker", "an exception escaped: steps broke"};
  EXPECT_EQ(RepeatedLines::Line(escaped, 12, 0), "12 workers failed: an exception escaped: steps broke");
  ProcessEnd stray{0, EndKind::kStrayCompletions, "runner-0", "runner", "EventFaults"};
  EXPECT_EQ(RepeatedLines::Line(stray, 10, 30000),
            "10 runners: 30000 Complete() call(s) of operations not in flight were ignored (EventFaults)");
  ProcessEnd cancel{0, EndKind::kCancelErrors, "runner-0", "runner", "EventFaults: cancel broke"};
  EXPECT_EQ(RepeatedLines::Line(cancel, 10, 30),
            "10 runners: 30 cancel() call(s) threw; the first: EventFaults: cancel broke");
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kFailedTeardown), Level::kWarning);
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kEscaped), Level::kError);
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kStrayCompletions), Level::kWarning);
  EXPECT_EQ(RepeatedLines::LevelOf(EndKind::kCancelErrors), Level::kWarning);
}

TEST(RepeatedLines, StrayCompletionsAddUpAndStayApartFromOtherKinds) {
  RepeatedLines lines;
  lines.Add({0, EndKind::kStrayCompletions, "runner-0", "runner", "C", 100}, 0);
  lines.Add({0, EndKind::kCancelErrors, "runner-0", "runner", "C: x", 2}, 0);
  lines.Add({0, EndKind::kStrayCompletions, "runner-1", "runner", "C", 200}, 0);
  EXPECT_EQ(lines.Flush(),
            (std::vector<Said>{
                {Level::kWarning, "2 runners: 300 Complete() call(s) of operations not in flight were ignored (C)"},
                {Level::kWarning, "runner-0: 2 cancel() call(s) threw; the first: C: x"}}));
}

}  // namespace
}  // namespace pylogen::supervisor
