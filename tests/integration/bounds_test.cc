// Bounded numbers through the real binary (issue 10 item 4): a schedule, a
// burst or a duration beyond its bound is one line and exit 2, nothing
// forked; a burst never emits more than its schedule; an opened run stops
// promptly on SIGTERM whether its schedule is sparse or the generator runs
// behind a dense one.
#include <signal.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

const nlohmann::json& Opened(const nlohmann::json& report) { return report["opened"][0]; }

struct OutOfBounds {
  const char* name;
  std::vector<std::string> args;  // after Dummy --openedmodel
  const char* expected;           // the whole error line
};

class OutOfBoundsTest : public ::testing::TestWithParam<OutOfBounds> {};

TEST_P(OutOfBoundsTest, OneLineNamingTheBoundExitTwo) {
  const OutOfBounds& c = GetParam();
  std::vector<std::string> args = {SampleCut("Dummy"), "--openedmodel"};
  args.insert(args.end(), c.args.begin(), c.args.end());
  auto r = RunPylogen(args, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err.substr(0, 2000);
  EXPECT_EQ(lines[0].rfind(std::string("pylogen: error: ") + c.expected, 0), 0u) << lines[0];
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 1));
}

INSTANTIATE_TEST_SUITE_P(
    Issue10, OutOfBoundsTest,
    ::testing::Values(
        OutOfBounds{
            "HugeRate",
            {"--schedule", "0.3@1e12"},
            "--schedule segment 1 '0.3@1e12': rate 1e12 is above the bound of 1e7 events/s"},
        OutOfBounds{"HugeDuration",
                    {"--schedule", "1e12@0.3"},
                    "--schedule segment 1 '1e12@0.3': duration 1e12s is above the bound of 100 "
                    "days (8640000s)"},
        OutOfBounds{
            "Rate1e300", {"--schedule", "10@1e300"}, "--schedule segment 1 '10@1e300': rate 1e300"},
        OutOfBounds{
            "Sawtooth",
            {"--schedule", "10@sawtooth(1,1e300)"},
            "--schedule segment 1 '10@sawtooth(1,1e300)': sawtooth AMPLITUDE 1e300 is above"},
        OutOfBounds{"Sine",
                    {"--schedule", "10@sine(1,1e300,1)"},
                    "--schedule segment 1 '10@sine(1,1e300,1)': sine AMPLITUDE 1e300 is above"},
        OutOfBounds{"TooManyEvents",
                    {"--schedule", "500@1e7"},
                    "--schedule segment 1 '500@1e7': 5000000000 events in the segment, above the "
                    "bound of 2^32 (4294967296) events per segment"},
        OutOfBounds{"BurstAboveItsSegment",
                    {"--schedule", "0.2@5", "--burst", "f4294967295"},
                    "--burst f4294967295: a burst of 4294967295 events is more than the 1 event(s) "
                    "of the schedule's largest segment (segment 1 '0.2@5')"},
        OutOfBounds{"BurstNotANumber", {"--burst", "fx"}, "--burst: 'fx' is not a burst (expected"},
        OutOfBounds{"BurstAbove32Bits",
                    {"--burst", "f4294967296"},
                    "--burst: 'f4294967296' is above the bound of 4294967295"},
        OutOfBounds{"DurationOption",
                    {"--optimeout", "1e300"},
                    "--optimeout: 1e300s is above the bound of 100 days (8640000s)"},
        OutOfBounds{"ControllerDelay",
                    {"--controllerDelay", "101d"},
                    "--controllerDelay: 101d is above the bound of 100 days"}),
    [](const ::testing::TestParamInfo<OutOfBounds>& info) { return std::string(info.param.name); });

// A 100 KB segment (an argument is at most 128 KiB) comes back as one short line.
TEST(Bounds, AHugeSegmentIsEchoedCut) {
  std::string segment = "1@" + std::string(100'000, '7') + "x";
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", segment}, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 300);
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LT(lines[0].size(), 600u) << lines[0].substr(0, 300);
  EXPECT_NE(lines[0].find("(100003 bytes)"), std::string::npos) << lines[0];
}

// A scenario's --summary has the same floor as a command line's: 1e-10 used
// to be accepted and kill the reader with a floating-point exception.
TEST(Bounds, AScenarioSummaryBelowItsFloorIsRefused) {
  std::string file = TempPath("summary-scenario.txt");
  std::ofstream(file) << SampleCut("Dummy") << " --loops 1\n";
  for (const char* summary : {"1e-10", "0"}) {
    auto r = RunPylogen({"scenario", "--file", file, "--summary", summary}, 20);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    auto lines = Lines(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find(std::string("--summary: ") + summary + "s is below the floor of 1ms"),
              std::string::npos)
        << lines[0];
    EXPECT_TRUE(GroupGone(r.pgid, 1));
  }
}

// Random bursts as large as the rate, clamped to their segment: nothing is
// emitted that the schedule did not make due.
TEST(Bounds, RandomBurstsEmitNoMoreThanScheduled) {
  std::string report = TempPath("bursts.json");
  auto r = RunPylogen(
      {SampleCut("Dummy"), "--openedmodel", "--schedule", "0.5@40,0.5@0,0.5@6", "--burst",
       "4294967295", "--seed", "3", "--report", report, "--outformat", "none"},
      60);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& events = Opened(j)["events"];
  EXPECT_EQ(events["scheduled"], 23);
  EXPECT_EQ(events["emitted"].get<int>() + events["dropped"].get<int>(), 23);
}

// SIGTERM once the run has started: exit 130, the generator ended by itself
// (not killed at the end of --grace, which is longer than the test's bound).
void ExpectPromptStop(const RunResult& r, const std::string& report) {
  EXPECT_FALSE(r.timed_out) << "the run did not end before the test's bound";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto j = ReadJson(report);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_EQ(Opened(j)["generator"]["state"], "ended") << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 5));
}

TEST(Bounds, ASparseScheduleStopsPromptlyOnSigterm) {
  for (const char* schedule : {"100d@0.01", "100@0.02"}) {
    std::string report = TempPath("sparse.json");
    RunSpec spec;
    spec.args = {SampleCut("Dummy"), "--openedmodel", "--schedule", schedule,
                 "--grace",          "100d",          "--report",   report};
    spec.timeout_s = 60;
    spec.signals = {{1.5, SIGTERM, ""}};
    auto r = RunPylogen(spec);
    ExpectPromptStop(r, report);
  }
}

// The generator far behind a dense schedule (stopped, then continued with
// ten seconds of events due at once: 1e8) used to emit all of them before
// looking at the run's phase again, so a SIGTERM then waited for the end of
// --grace and killed it. It now looks every 65536 events.
TEST(Bounds, AGeneratorBehindADenseScheduleStopsOnSigterm) {
  std::string report = TempPath("behind.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--openedmodel", "--schedule",  "400@1e7", "--grace", "2",
               "--report",         report,          "--outformat", "none"};
  spec.timeout_s = 60;
  spec.signals = {
      {1.0, SIGSTOP, "generator-0"}, {11.0, SIGCONT, "generator-0"}, {11.3, SIGTERM, ""}};
  auto r = RunPylogen(spec);
  ExpectPromptStop(r, report);
}

}  // namespace
}  // namespace pylogen::testing
