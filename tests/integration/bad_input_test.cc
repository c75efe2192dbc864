// Bad input (DESIGN §7): one clear line on stderr naming the culprit and
// what was expected, exit code 2, nothing forked, nothing on stdout.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

struct BadInput {
  const char* name;
  std::vector<std::string> args;
  const char* expected;  // in the error line
};

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, OneLineExitTwoNothingStarted) {
  const BadInput& c = GetParam();
  std::vector<std::string> args;
  for (const auto& a : c.args) {
    if (a.rfind("@test/", 0) == 0) {
      args.push_back(TestCut(a.substr(6)));
    } else if (a.rfind("@sample/", 0) == 0) {
      args.push_back(SampleCut(a.substr(8)));
    } else {
      args.push_back(a);
    }
  }
  auto r = RunPylogen(args, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  EXPECT_EQ(lines[0].rfind("pylogen: error: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(c.expected), std::string::npos) << lines[0];
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 1));
}

const std::string kDummy = "@sample/Dummy";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInputTest,
    ::testing::Values(
        BadInput{"UnknownOption", {kDummy, "--frobnicate", "3"}, "--frobnicate"},
        BadInput{"AmbiguousPrefix", {kDummy, "--pause", "1"}, "--pauselen, --pauseloop"},
        BadInput{"NotANumber", {kDummy, "--process", "many"}, "--process: 'many'"},
        BadInput{"ZeroProcesses", {kDummy, "--process", "0"}, "--process: '0'"},
        BadInput{"NegativeProcesses", {kDummy, "--process", "-2"}, "--process"},
        BadInput{"NegativeDuration", {kDummy, "--duration", "-1"}, "--duration: '-1' is not a duration"},
        BadInput{"BadUnit", {kDummy, "--rampup", "3 weeks"}, "--rampup"},
        BadInput{"BadLoops", {kDummy, "--loops", "1.5"}, "--loops: '1.5'"},
        BadInput{"EmptyLength", {kDummy, "--lengths", "1,,2"}, "--lengths"},
        BadInput{"BadJson", {kDummy, "--extra", "{sleep:0}"}, "--extra: '{sleep:0}' is not valid JSON"},
        BadInput{"JsonNotObject", {kDummy, "--extra", "[1,2]"}, "--extra: expected a JSON object"},
        BadInput{"ZeroSummary", {kDummy, "--summary", "0"}, "--summary"},
        // Found by a black-box fuzz (issue 10): they used to abort or crash.
        BadInput{"NumberOverflowInExtra", {kDummy, "--extra", R"({"a":1e400})"}, "--extra: '{\"a\":1e400}' is not valid JSON: number overflow"},
        BadInput{"DefaultsIsADirectory", {kDummy, "--defaults", "/tmp"}, "--defaults: defaults file '/tmp' is a directory, expected a regular file"},
        BadInput{"ScenarioFromADevice", {"scenario", "--file", "/dev/zero"}, "--file: scenario file '/dev/zero' is a device"},
        BadInput{"IdNotUtf8", {kDummy, "--id", "\xff", "--report", "/dev/null"}, "--id: not valid UTF-8 (byte 0xff"},
        BadInput{"LengthNotUtf8", {kDummy, "--lengths", "1,\xff"}, "--lengths: not valid UTF-8"},
        BadInput{"SummaryBelowItsFloor", {kDummy, "--summary", "1e-10"}, "--summary: expected a duration of at least 1ms"},
        BadInput{"QueueNotPowerOfTwo", {kDummy, "--queue", "100"}, "--queue: 100"},
        BadInput{"MissingAction", {}, "no CUT given"},
        BadInput{"CutNotFound", {"cuts/NoSuchCut"}, "CUT 'cuts/NoSuchCut' not found (tried "},
        BadInput{"NotACut", {"@test/NotACut.so"}, "is not a pylogen CUT"},
        BadInput{"WrongAbi", {"@test/WrongAbi.so"}, "rebuild the CUT against this pylogen's SDK"},
        BadInput{"OutputInMissingFolder", {kDummy, "--output", "/nonexistent/dir/x"}, "--output: cannot open"},
        BadInput{"ReportInMissingFolder", {kDummy, "--report", "/nonexistent/dir/r.json"}, "--report: cannot open"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

// stderr that cannot be written (/dev/full): the error is lost, never an abort.
TEST(BadInput, UnwritableStderrStillExitsTwo) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--bogus"};
  spec.stderr_path = "/dev/full";
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.term_signal, 0);
}

// A FIFO given as an input file is refused at once: it would block for ever.
TEST(BadInput, AFifoAsDefaultsOrScenarioOrMatrixIsRefusedNotWaitedOn) {
  std::string fifo = TempPath("input.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::vector<std::vector<std::string>> cases = {
      {SampleCut("Dummy"), "--defaults", fifo},
      {"scenario", "--file", fifo},
      {SampleCut("Dummy"), "--openedmodel", "--schedule", "10@matrix(" + fifo + ")"}};
  for (const auto& args : cases) {
    auto r = RunPylogen(args, 20);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    auto lines = Lines(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find("'" + fifo + "' is a FIFO, expected a regular file"), std::string::npos) << lines[0];
  }
}

// --output and --report on one file: the report would overwrite the lines.
TEST(BadInput, OneFileInTwoRolesIsRefusedBeforeItIsTruncated) {
  std::string path = TempPath("o.txt");
  { std::ofstream(path) << "keep me\n"; }
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--output", path, "--report", path}, 20);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--report '" + path + "' is the same file as --output"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(path), "keep me\n");
}

TEST(BadInput, CutNotFoundListsEveryPlaceTried) {
  RunSpec spec;
  spec.args = {"cuts.NoSuchCut"};
  spec.env = {"PYLOGEN_CUT_PATH=/opt/a:/opt/b"};
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 2);
  for (const char* place : {"cuts/NoSuchCut.so", "cuts/libNoSuchCut.so", "/opt/a/cuts/NoSuchCut.so",
                            "/opt/b/NoSuchCut.so"}) {
    EXPECT_NE(r.err.find(place), std::string::npos) << place << " missing from: " << r.err;
  }
}

TEST(BadInput, HelpExplainsAndExitsZero) {
  auto r = RunPylogen({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--process", "--duration", "--lengths", "--extra", "--outformat",
                             "--report", "--queue", "--grace"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace pylogen::testing
