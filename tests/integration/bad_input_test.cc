// Bad input (DESIGN §7): one clear line on stderr naming the culprit and
// what was expected, exit code 2, nothing forked, nothing on stdout.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// "0,1,...,n-1": n --lengths values.
std::string LengthsList(int n) {
  std::string text = "0";
  for (int i = 1; i < n; ++i) text += "," + std::to_string(i);
  return text;
}

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
        BadInput{"SummaryBelowItsFloor", {kDummy, "--summary", "1e-10"}, "--summary: 1e-10s is below the floor of 1ms"},
        BadInput{"QueueNotPowerOfTwo", {kDummy, "--queue", "100"}, "--queue: 100"},
        BadInput{"MissingAction", {}, "no CUT given"},
        BadInput{"CutNotFound", {"cuts/NoSuchCut"}, "CUT 'cuts/NoSuchCut' not found (tried "},
        BadInput{"NotACut", {"@test/NotACut.so"}, "is not a pylogen CUT"},
        BadInput{"WrongAbi", {"@test/WrongAbi.so"}, "rebuild the CUT against this pylogen's SDK"},
        BadInput{"OutputInMissingFolder", {kDummy, "--output", "/nonexistent/dir/x"}, "--output: cannot write '/nonexistent/dir/x': no directory"},
        BadInput{"ReportInMissingFolder", {kDummy, "--report", "/nonexistent/dir/r.json"}, "--report: cannot write '/nonexistent/dir/r.json': no directory"},
        // Issue 10, item 7: nothing silently accepted.
        BadInput{"ScheduleCheckedInAClosedRun", {kDummy, "--loops", "1", "--schedule", "10@oops"}, "--schedule segment 1 '10@oops'"},
        BadInput{"BurstCheckedInAClosedRun", {kDummy, "--burst", "fx"}, "--burst: 'fx' is not a burst"},
        BadInput{"EmptyPrefork", {kDummy, "--prefork", ""}, "--prefork: empty value (expected an integer)"},
        BadInput{"EmptySeed", {kDummy, "--seed", ""}, "--seed: empty value"},
        BadInput{"EmptyDefaults", {kDummy, "--defaults", ""}, "--defaults: empty value (expected a defaults file)"},
        BadInput{"EmptyOutput", {kDummy, "--output", ""}, "--output: empty value (expected a file name)"},
        BadInput{"EmptyReport", {kDummy, "--report", ""}, "--report: empty value (expected a file name)"},
        BadInput{"EmptyId", {kDummy, "--id", ""}, "--id: empty value"},
        BadInput{"EmptyExtra", {kDummy, "--extra", ""}, "--extra: empty value (expected a JSON object)"},
        BadInput{"EmptyOutformat", {kDummy, "--outformat", ""}, "--outformat: empty value"},
        BadInput{"EmptySchedule", {kDummy, "--schedule", ""}, "--schedule: empty value"},
        BadInput{"EmptyArrivals", {kDummy, "--arrivals", ""}, "--arrivals: empty value (expected uniform or poisson)"},
        BadInput{"EmptyCut", {""}, "the CUT: empty value"},
        BadInput{"EmptyScenarioFile", {"scenario", "--file", ""}, "--file: empty value"},
        BadInput{"RepeatedOptionCheckedEveryTime", {kDummy, "--loops", "x", "--loops", "1"}, "--loops: 'x' is not a valid count"},
        BadInput{"ScenarioFileIsADirectory", {"scenario", "--file", "/tmp"}, "--file: scenario file '/tmp' is a directory, expected a regular file"},
        BadInput{"StrayArgument", {kDummy, "stray"}, "unexpected argument 'stray': expected pylogen CUT [options]"},
        BadInput{"TooManyLengths", {kDummy, "--lengths", LengthsList(4097)},
                 "--lengths: 4097 values over the run's loads, above the limit of 4096"}),
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

// One error line on stderr, exit 2, nothing left running.
void ExpectOneErrorLine(const RunResult& r, const std::string& expected) {
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 500);
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err.substr(0, 500);
  EXPECT_EQ(lines[0].rfind("pylogen: error: ", 0), 0u) << lines[0].substr(0, 500);
  EXPECT_NE(lines[0].find(expected), std::string::npos) << lines[0].substr(0, 500);
  EXPECT_LT(lines[0].size(), 600u);
  EXPECT_TRUE(r.out.empty()) << r.out.substr(0, 500);
  EXPECT_TRUE(GroupGone(r.pgid, 1));
}

// Defaults-file values of the wrong type were reported as command-line errors.
TEST(BadInput, ADefaultsFileErrorNamesTheFileAndTheKey) {
  std::string file = TempPath("defaults.json");
  { std::ofstream(file) << R"({"process": 4.5})"; }
  ExpectOneErrorLine(RunPylogen({SampleCut("Dummy"), "--defaults", file}, 20),
                     file + ": \"process\": '4.5' is not a valid count");
}

// "extra" nesting 100,000 levels in a defaults file crashed (139, nothing said).
TEST(BadInput, ADeeplyNestedExtraInADefaultsFileIsRefused) {
  std::string file = TempPath("deep.json");
  {
    std::ofstream out(file);
    out << R"({"extra": )";
    for (int i = 0; i < 100000; ++i) out << R"({"a":)";
    out << "0" << std::string(100000, '}') << "}";
  }
  auto r = RunPylogen({SampleCut("Dummy"), "--defaults", file}, 20);
  EXPECT_EQ(r.term_signal, 0);
  ExpectOneErrorLine(r, "option \"extra\" expects a JSON object of at most 100 levels");
  // (an argument holds at most 128 KiB: 50,000 levels)
  std::string nested = "{\"a\":" + std::string(50000, '[') + std::string(50000, ']') + "}";
  ExpectOneErrorLine(RunPylogen({SampleCut("Dummy"), "--extra", nested}, 20),
                     "--extra: nests deeper than 100 levels");
}

// 100,000 stray arguments came back as a 500 KB line.
TEST(BadInput, StrayArgumentsAreCountedNotListed) {
  std::vector<std::string> args = {SampleCut("Dummy")};
  args.insert(args.end(), 100000, "x");
  ExpectOneErrorLine(RunPylogen(args, 20), "unexpected argument 'x' (and 99999 more)");
}

// A 1 MB bad scenario line was echoed back whole.
TEST(BadInput, ALongBadScenarioLineIsNotEchoedWhole) {
  std::string file = TempPath("long.txt");
  { std::ofstream(file) << SampleCut("Dummy") << " --process " << std::string(1000000, '9') << "x\n"; }
  ExpectOneErrorLine(RunPylogen({"scenario", "--file", file}, 20), file + ":1: ");
}

// ./defaults.json that is a directory or a FIFO was skipped without a word.
TEST(BadInput, ADefaultsJsonThatIsNotAFileIsAnError) {
  std::string dir = TempPath("cwd");
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(mkdir((dir + "/defaults.json").c_str(), 0700), 0);
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--loops", "1"};
  spec.cwd = dir;
  spec.timeout_s = 20;
  ExpectOneErrorLine(RunPylogen(spec), "defaults file 'defaults.json' is a directory");
  ASSERT_EQ(rmdir((dir + "/defaults.json").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/defaults.json").c_str(), 0600), 0);
  ExpectOneErrorLine(RunPylogen(spec), "defaults file 'defaults.json' is a FIFO");
}

// A UTF-8 BOM before the first '#' comment gave "s.txt:1: ... not expected".
TEST(BadInput, AScenarioWithAByteOrderMarkRuns) {
  std::string file = TempPath("bom.txt");
  { std::ofstream(file) << "\xEF\xBB\xBF# a comment\n" << SampleCut("Dummy") << " --loops 1 --extra {\"sleep\":0}\n"; }
  auto r = RunPylogen({"scenario", "--file", file, "--outformat", "none"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("requests: 1 (0 errors)"), std::string::npos) << r.out;
}

// An opened-model option in a closed run is checked, then warned about: one
// line on stderr, and the summary lists it.
TEST(BadInput, AnOpenedModelOptionInAClosedRunIsWarnedAbout) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--extra", R"({"sleep":0})", "--schedule",
                       "5@1", "--outformat", "none"},
                      30);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string warning = "--schedule applies to the opened model (--openedmodel): ignored";
  EXPECT_EQ(Lines(r.err), std::vector<std::string>{"pylogen: warning: " + warning});
  EXPECT_NE(r.out.find("warnings:\n  - " + warning), std::string::npos) << r.out;
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
