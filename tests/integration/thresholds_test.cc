// --threshold on real runs: exit 0 when all hold, 99 when one is broken (and
// the run otherwise completed), listed in the summary and the report; a
// malformed one refused with exit 2 before anything starts; failures,
// interrupts and crashes win over 99.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

const nlohmann::json* Find(const nlohmann::json& list, const std::string& expression) {
  for (const nlohmann::json& t : list) {
    if (t["expression"] == expression) return &t;
  }
  return nullptr;
}

TEST(Thresholds, AllHoldingExitZero) {
  std::string report = TempPath("held.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "10", "--extra", R"({"sleep":0.002})",
                       "--outformat", "none", "--report", report, "--threshold", "max<60s",
                       "--threshold", "min>=2ms", "--threshold", "errors==0", "--threshold",
                       "count==10", "--threshold", "p99.9(R_0)<60s", "--threshold", "rate>0",
                       "--threshold", "service:mean>=2ms", "--threshold", "errors<1%"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("thresholds: 0 of 8 broken\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok      count==10"), std::string::npos) << r.out;
  auto j = ReadJson(report);
  ASSERT_EQ(j["thresholds"].size(), 8u);
  for (const nlohmann::json& t : j["thresholds"]) EXPECT_EQ(t["ok"], true) << t.dump();
  EXPECT_DOUBLE_EQ((*Find(j["thresholds"], "count==10"))["observed"].get<double>(), 10);
  EXPECT_GE((*Find(j["thresholds"], "min>=2ms"))["observed"].get<double>(), 2e6);
}

TEST(Thresholds, ABrokenOneExits99AndIsListed) {
  std::string report = TempPath("broken.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "5", "--extra", R"({"sleep":0.002})",
                       "--outformat", "none", "--report", report, "--threshold", "count==5",
                       "--threshold", "min<1ms"});
  EXPECT_EQ(r.exit_code, 99) << r.err;
  EXPECT_EQ(r.err.find("reader failed"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("thresholds: 1 of 2 broken (exit code 99)"), std::string::npos) << r.out;
  std::size_t broken = r.out.find("BROKEN  min<1ms");
  ASSERT_NE(broken, std::string::npos) << r.out;
  EXPECT_LT(broken, r.out.find("ok      count==5"));  // broken ones first
  auto j = ReadJson(report);
  const nlohmann::json* t = Find(j["thresholds"], "min<1ms");
  ASSERT_NE(t, nullptr) << j["thresholds"].dump();
  EXPECT_EQ((*t)["ok"], false);
  EXPECT_GE((*t)["observed"].get<double>(), 2e6);
  EXPECT_EQ((*Find(j["thresholds"], "count==5"))["ok"], true);
}

TEST(Thresholds, ErrorsOfEverySecondCallBreakOnePercent) {
  std::string report = TempPath("errors.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "10", "--extra", R"({"sleep":0,"error":2})",
                       "--outformat", "none", "--report", report, "--threshold", "errors<1%",
                       "--threshold", "errors==5"});
  EXPECT_EQ(r.exit_code, 99) << r.err;
  EXPECT_NE(r.out.find("BROKEN  errors<1%"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("observed 50.00%"), std::string::npos) << r.out;
  auto j = ReadJson(report);
  EXPECT_DOUBLE_EQ((*Find(j["thresholds"], "errors<1%"))["observed"].get<double>(), 50);
  EXPECT_EQ((*Find(j["thresholds"], "errors==5"))["ok"], true);
}

TEST(Thresholds, NoDataIsBroken) {
  // The closed model has no wait; R_9 names no request of this run.
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "2", "--extra", R"({"sleep":0})",
                       "--outformat", "none", "--threshold", "wait:p99<1s", "--threshold",
                       "count(R_9)>=0", "--threshold", "dropped==0"});
  EXPECT_EQ(r.exit_code, 99) << r.err;
  EXPECT_NE(r.out.find("thresholds: 3 of 3 broken"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("BROKEN  wait:p99<1s"), std::string::npos) << r.out;
}

TEST(Thresholds, OpenedModelDroppedAndWait) {
  std::string report = TempPath("opened.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "1@20", "--extra",
                       R"({"sleep":0})", "--outformat", "none", "--report", report,
                       "--threshold", "dropped==0", "--threshold", "wait:max<60s",
                       "--threshold", "response:max<60s"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ReadJson(report);
  ASSERT_EQ(j["thresholds"].size(), 3u);
  EXPECT_DOUBLE_EQ((*Find(j["thresholds"], "dropped==0"))["observed"].get<double>(), 0);
  EXPECT_FALSE((*Find(j["thresholds"], "wait:max<60s"))["observed"].is_null());
}

TEST(Thresholds, PerIdInAScenario) {
  std::string file = TempPath("scenario.txt");
  std::ofstream(file) << SampleCut("Dummy") << " --id fast --loops 3 --extra '{\"sleep\":0}'\n"
                      << SampleCut("Dummy") << " --id slow --loops 3 --extra '{\"sleep\":0.002}'\n";
  auto r = RunPylogen({"scenario", "--file", file, "--outformat", "none", "--threshold",
                       "count(fast)==3", "--threshold", "min(slow)>=2ms", "--threshold",
                       "count(R_0)==6"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("thresholds: 0 of 3 broken"), std::string::npos) << r.out;
  auto broken = RunPylogen({"scenario", "--file", file, "--outformat", "none", "--threshold",
                            "min(slow)<2ms"});
  EXPECT_EQ(broken.exit_code, 99) << broken.err;
}

TEST(Thresholds, MalformedExitsTwoWithNothingStarted) {
  std::string report = TempPath("never.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--report", report, "--threshold",
                       "p99<1s", "--threshold", "p99<50"},
                      20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0],
            "pylogen: error: --threshold: 'p99<50': at character 7 (the end), expected a unit "
            "ns, us, µs, ms, s or m (see pylogen --help)");
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_FALSE(Exists(report));  // outputs are opened after parsing: nothing was started
  EXPECT_TRUE(GroupGone(r.pgid, 1));
}

TEST(Thresholds, ACrashWinsOver99) {
  auto r = RunPylogen({TestCut("Crash"), "--process", "2", "--loops", "20", "--extra",
                       R"({"process":0,"at":5,"sleep":0})", "--outformat", "none",
                       "--threshold", "count==0"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("BROKEN  count==0"), std::string::npos) << r.out;
}

TEST(Thresholds, AnInterruptWinsOver99) {
  std::string report = TempPath("interrupted.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--duration", "30", "--extra", R"({"sleep":0.01})",
               "--outformat", "none", "--report", report, "--threshold", "count==0"};
  spec.signals = {{1.0, SIGINT, ""}};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto j = ReadJson(report);
  ASSERT_EQ(j["thresholds"].size(), 1u);
  EXPECT_EQ(j["thresholds"][0]["ok"], false);
}

}  // namespace
}  // namespace pylogen::testing
