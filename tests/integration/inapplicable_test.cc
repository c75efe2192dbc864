// Options that do not apply (issue 13 item 3), with the real binary: one
// warning line each on stderr before the run, the run made anyway (exit 0),
// and the summary listing the warning.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

const std::string kNoSleep = R"({"sleep":0})";

void ExpectWarnedAndRun(const RunResult& r, const std::string& warning, const std::string& requests) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.err), std::vector<std::string>{"pylogen: warning: " + warning});
  EXPECT_NE(r.out.find("  - " + warning + "\n"), std::string::npos) << r.out;  // the summary's warnings
  EXPECT_NE(r.out.find("requests: " + requests + " (0 errors)"), std::string::npos) << r.out;
}

// `--schedule 5@1` without --openedmodel: the closed model runs its loops.
TEST(Inapplicable, AScheduleWithoutOpenedmodelRunsTheClosedModel) {
  auto r = RunPylogen({SampleCut("Dummy"), "--schedule", "5@1", "--loops", "3", "--extra", kNoSleep,
                       "--outformat", "none"},
                      30);
  ExpectWarnedAndRun(r, "--schedule applies to the opened model (--openedmodel): ignored", "3");
}

// `--open --sche 2@2 --duration 30`: the schedule's 2 s rule, 4 events.
TEST(Inapplicable, ADurationInAnOpenedRunGivesWayToTheSchedule) {
  auto r = RunPylogen({SampleCut("Dummy"), "--open", "--maxworkers", "2", "--sche", "2@2", "--duration", "30", "--extra",
                       kNoSleep, "--outformat", "none", "--prefork", "1"},
                      30);
  ExpectWarnedAndRun(r,
                     "--duration applies to the closed model: ignored (the opened model runs for "
                     "its --schedule, 2 s)",
                     "4");
}

// `--open --proc 4`: the workers are the controller's.
TEST(Inapplicable, AProcessInAnOpenedRunIsIgnored) {
  auto r = RunPylogen({SampleCut("Dummy"), "--open", "--maxworkers", "2", "--proc", "4", "--sche", "2@1", "--extra",
                       kNoSleep, "--outformat", "none", "--prefork", "1"},
                      30);
  ExpectWarnedAndRun(r,
                     "--process applies to the closed model: ignored (the opened model's workers "
                     "are set by --prefork, --minworkers and --maxworkers)",
                     "2");
}

// A warning that needs the CUT's kind comes from the plan: said before the
// run as well.
TEST(Inapplicable, AnOptimeoutWithABlockingCutIsWarnedAbout) {
  auto r = RunPylogen({SampleCut("Dummy"), "--optimeout", "5", "--loops", "2", "--extra", kNoSleep,
                       "--outformat", "none"},
                      30);
  ExpectWarnedAndRun(r,
                     "--optimeout applies to event-driven CUTs: ignored (Dummy is a blocking CUT, "
                     "its calls are never timed out)",
                     "2");
}

// report show given a merge option: warned about, the summary shown anyway.
TEST(Inapplicable, AMergeOptionOfReportShowIsIgnored) {
  std::string report = TempPath("show.json");
  auto run = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--extra", kNoSleep, "--outformat", "none",
                         "--report", report},
                        30);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto r = RunPylogen({"report", "show", report, "--threshold", "p99<1ns"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(r.err), std::vector<std::string>{
                              "pylogen: warning: --threshold applies to report merge: ignored (report "
                              "show prints the summary again, nothing else)"});
  EXPECT_EQ(r.out, run.out);
}

}  // namespace
}  // namespace pylogen::testing
