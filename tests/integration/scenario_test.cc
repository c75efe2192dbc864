// Scenario files end to end, and every sample command of Pylogen's README
// run with `pylogen` in place of `python3 Pylogen.py`.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// Runs with the sample CUTs reachable as cuts.X / cuts/X from `cwd`.
RunResult RunWithCuts(std::vector<std::string> args, const std::string& cwd, double timeout_s = 90) {
  RunSpec spec;
  spec.args = std::move(args);
  spec.cwd = cwd;
  spec.env = {std::string("PYLOGEN_CUT_PATH=") + PYLOGEN_SAMPLE_CUT_DIR};
  spec.timeout_s = timeout_s;
  return RunPylogen(spec);
}

std::string TempDir() {
  std::string dir = TempPath("dir");
  std::filesystem::create_directories(dir);
  return dir;
}

const nlohmann::json* Id(const nlohmann::json& report, const std::string& id) {
  for (const auto& entry : report["ids"]) {
    if (entry["id"] == id) return &entry;
  }
  return nullptr;
}

// Pylogen's own scenario: a closed and an opened line at once, one reader,
// counts per id.
TEST(Scenario, PylogensSampleMixesClosedAndOpenedLines) {
  std::string report = TempPath("scenario.json");
  auto r = RunWithCuts({"scenario", "--file", "Scenario.txt", "--report", report}, PYLOGEN_SCENARIO_DIR);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 25u);
  EXPECT_EQ(CountContaining(lines, " CLO_DUM1."), 20u);
  EXPECT_EQ(CountContaining(lines, " OPE_DUM1."), 5u);
  EXPECT_EQ(CountContaining(lines, " w "), 5u);  // the opened line's events have a wait
  auto j = ReadJson(report);
  ASSERT_NE(Id(j, "CLO_DUM1"), nullptr);
  ASSERT_NE(Id(j, "OPE_DUM1"), nullptr);
  EXPECT_EQ((*Id(j, "CLO_DUM1"))["requests"], 20);  // 2 runners x 10 loops
  EXPECT_EQ((*Id(j, "OPE_DUM1"))["requests"], 5);   // 5@1
  EXPECT_EQ(j["requests"]["count"], 25);
  // Both lines started at once: ~15 s for the closed line (rampup 5 s, 10 x 1 s).
  EXPECT_LT(r.elapsed_s, 25);
}

TEST(Scenario, RunOptionsOnTheScenarioLineApplyToAllLoads) {
  std::string dir = TempDir();
  std::ofstream(dir + "/s.txt") << "# two closed loads\n"
                                   "cuts.Dummy --id ONE --loops 3 --extra {\"sleep\":0}\n"
                                   "\n"
                                   "cuts.Dummy --id TWO --proc 2 --loops 2 --extra '{\"sleep\": 0}'\n";
  auto r = RunWithCuts({"scenario", "--file", "s.txt", "--outformat", "csv", "--output", "lines.csv"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = Lines(ReadFile(dir + "/lines.csv"));
  ASSERT_EQ(lines.size(), 1u + 3u + 4u);
  EXPECT_EQ(lines[0].rfind("time,", 0), 0u);
  EXPECT_EQ(CountContaining(lines, ",ONE."), 3u);
  EXPECT_EQ(CountContaining(lines, ",TWO."), 4u);
  EXPECT_NE(r.out.find("per id"), std::string::npos);
}

TEST(Scenario, BadLineAbortsBeforeAnythingStarts) {
  std::string dir = TempDir();
  std::ofstream(dir + "/bad.txt") << "cuts.Dummy --id OK --duration 30\n"
                                     "# fine so far\n"
                                     "cuts.Dummy --id BAD --opened --sche 5@1,10@oops\n";
  auto r = RunWithCuts({"scenario", "--file", "bad.txt"}, dir, 20);
  EXPECT_EQ(r.exit_code, 2);
  auto err = Lines(r.err);
  ASSERT_EQ(err.size(), 1u) << r.err;
  EXPECT_NE(err[0].find("bad.txt:3: "), std::string::npos) << err[0];
  EXPECT_NE(err[0].find("segment 2"), std::string::npos) << err[0];
  EXPECT_TRUE(r.out.empty());
  EXPECT_LT(r.elapsed_s, 5);
}

TEST(Scenario, MissingCutNamesTheLine) {
  std::string dir = TempDir();
  std::ofstream(dir + "/s.txt") << "cuts.Dummy --loops 1\ncuts.Nothing --loops 1\n";
  auto r = RunWithCuts({"scenario", "--file", "s.txt"}, dir, 20);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("s.txt:2: CUT 'cuts.Nothing' not found"), std::string::npos) << r.err;
}

// ---- The sample commands of Pylogen's README ----

TEST(PylogenReadme, ClosedDummySample) {
  auto r = RunWithCuts({"cuts.Dummy", "--le", "384", "--pauselen", "0", "--pauselo", "0.001",
                        "--duration", "10", "--ram", "0", "--proc", "2"}, TempDir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 20u);  // 2 runners x 10 calls of 1 s
  EXPECT_EQ(CountContaining(lines, ".Dummy.0.Dummy.R_384 "), 20u);
}

// Pylogen's KMS sample runs its local stand-in (AES-256-GCM with OpenSSL),
// the key file found beside the CUT. The profile keeps the lines out of
// stdout (millions of operations in 10 s) and asks for a report.
TEST(PylogenReadme, KmsSample) {
  std::string dir = TempDir();
  std::ofstream(dir + "/myprofile.json")
      << R"({"summary": 1, "outformat": "none", "report": "report.json"})";
  auto r = RunWithCuts({"cuts.KmsEncrytSymmetric", "--defaults", "myprofile.json", "--le",
                        "384,512,1024", "--pauselen", "0", "--pauseloop", "0", "--duration", "10",
                        "--proc", "1", "--extra", R"({"file":"KmsDefault.json","key":"symmetric1"})"},
                       dir, 40);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(r.elapsed_s, 10);
  EXPECT_NE(r.out.find("(0 errors)"), std::string::npos) << r.out;
  auto j = ReadJson(dir + "/report.json");
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_GT(j["requests"]["count"].get<std::uint64_t>(), 1000u);
  // One name per length; each operation sends the length and gets IV + ciphertext + tag back.
  const int lengths[] = {384, 512, 1024};
  ASSERT_EQ(j["names"].size(), 3u) << j["names"].dump();
  for (int i = 0; i < 3; ++i) {
    std::string name = "KmsEncrytSymmetric.KmsEncrytSymmetric." + std::to_string(i) +
                       ".KmsEncrytSymmetric.encrypt";
    nlohmann::json n;
    for (const auto& entry : j["names"]) {
      if (entry["name"] == name) n = entry;
    }
    ASSERT_FALSE(n.is_null()) << name << " not in " << j["names"].dump();
    std::uint64_t count = n["count"].get<std::uint64_t>();
    EXPECT_GT(count, 0u);
    EXPECT_EQ(n["bytes_out"].get<std::uint64_t>(), count * lengths[i]);
    EXPECT_EQ(n["bytes_in"].get<std::uint64_t>(), count * (lengths[i] + 28));
  }
}

TEST(PylogenReadme, OpenedDummySample) {
  auto r = RunWithCuts({"cuts.Dummy", "-vvv", "--open", "--pre", "2", "--sche",
                        "5@1,10@0.1,5@1,30@0.1", "--len", "0", "--out", "x", "--contr", "0.5",
                        "--extra", R"({"sleep":1})"}, TempDir(), 120);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 14u);
  EXPECT_EQ(CountContaining(lines, "count="), 14u);  // --out x: unknown format, long lines
  EXPECT_NE(r.out.find("events: 14 scheduled, 14 due, 14 emitted, 0 dropped, 14 served"), std::string::npos);
  EXPECT_GE(r.elapsed_s, 50);
  EXPECT_LT(r.elapsed_s, 56);
}

TEST(PylogenReadme, Sbgc01SampleFailsClearlyWithoutSuchCut) {
  auto r = RunWithCuts({"cuts.Sbgc01", "-vvv", "--open", "--pre", "2", "--sche", "5@1", "--len",
                        "0", "--out", "x", "--contr", "0.5", "--extra", R"({"sleep":1})"},
                       TempDir(), 20);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("CUT 'cuts.Sbgc01' not found"), std::string::npos) << r.err;
}

TEST(PylogenReadme, ScenarioSample) {
  auto r = RunWithCuts({"scenario", "--file", "Scenario.txt", "--outformat", "none"}, PYLOGEN_SCENARIO_DIR);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("requests: 25 (0 errors)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pylogen::testing
