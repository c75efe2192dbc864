// Scenario files: comments, blanks, word splitting, bad lines with their
// number, defaults.
#include "cli/scenario.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pylogen::cli {
namespace {

std::expected<std::vector<ScenarioLine>, std::string> Parse(const std::string& text,
                                                            const std::string& defaults = "") {
  int verbosity = 0;
  return ParseScenarioText("s.txt", text, defaults, &verbosity);
}

// A line copied from a shell gave "argument was not expected: cuts/Dummy".
TEST(ScenarioText, ALeadingPylogenIsDropped) {
  auto lines = Parse(
      "pylogen cuts.Dummy --id A --proc 2\n"
      "/usr/local/bin/pylogen cuts.Dummy --id B\n");
  ASSERT_TRUE(lines.has_value()) << lines.error();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].load.id, "A");
  EXPECT_EQ((*lines)[0].load.processes, 2u);
  EXPECT_EQ((*lines)[1].load.id, "B");
  auto alone = Parse("pylogen\n");
  ASSERT_FALSE(alone.has_value());
  EXPECT_EQ(alone.error(), "s.txt:1: 'pylogen' alone: expected a CUT command line, e.g. cuts/Dummy --proc 2");
  auto nested = Parse("pylogen scenario --file x\n");
  ASSERT_FALSE(nested.has_value());
  EXPECT_EQ(nested.error(), "s.txt:1: a scenario line cannot be a scenario");
}

TEST(ScenarioText, SkipsCommentsAndBlanksAndKeepsLineNumbers) {
  auto lines = Parse(
      "# a comment with a ' quote\n"
      "\n"
      "cuts.Dummy --id A --proc 2\n"
      "   # indented comment\n"
      "\t\n"
      "cuts.Dummy --id B --opened --sche 5@1\n");
  ASSERT_TRUE(lines.has_value()) << lines.error();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].line, 3);
  EXPECT_EQ((*lines)[0].load.id, "A");
  EXPECT_EQ((*lines)[0].load.processes, 2u);
  EXPECT_FALSE((*lines)[0].load.opened);
  EXPECT_EQ((*lines)[1].line, 6);
  EXPECT_TRUE((*lines)[1].load.opened);
  EXPECT_EQ((*lines)[1].load.schedule, "5@1");
}

TEST(ScenarioText, PylogensSampleLinesParseUnchanged) {
  int verbosity = 0;
  auto lines = ParseScenarioText("s.txt",
                                 "cuts.Dummy --id CLO_DUM1 --steps 0 --proc 2 --loop 10 --ram 5 -vvv\n"
                                 "cuts.Dummy --opened --id OPE_DUM1 --steps 0 --sche 5@1 -vvv\n",
                                 "", &verbosity);
  ASSERT_TRUE(lines.has_value()) << lines.error();
  const LoadOptions& closed = (*lines)[0].load;
  EXPECT_EQ(closed.cut, "cuts.Dummy");
  EXPECT_EQ(closed.processes, 2u);
  EXPECT_EQ(closed.loops, 10u);
  EXPECT_EQ(closed.rampup_s, 5);
  EXPECT_EQ(closed.lengths, std::vector<std::string>{"0"});
  EXPECT_TRUE((*lines)[1].load.opened);
  EXPECT_EQ(verbosity, 3);
}

TEST(ScenarioText, JsonUnquotedAndSingleQuoted) {
  auto lines = Parse("cuts.Dummy --extra {\"sleep\":0}\n"
                     "cuts.Dummy --extra '{\"sleep\": 0.5, \"error\": 3}'\n");
  ASSERT_TRUE(lines.has_value()) << lines.error();
  EXPECT_EQ((*lines)[0].load.extra, "{\"sleep\":0}");
  EXPECT_EQ((*lines)[1].load.extra, "{\"sleep\": 0.5, \"error\": 3}");
}

TEST(ScenarioText, BadLineNamesFileLineAndReason) {
  struct Case {
    std::string text;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"cuts.Dummy\ncuts.Dummy --proc zero\n", "s.txt:2: --process: 'zero'"},
           {"# c\ncuts.Dummy --extra '{\"a\": 1}\n", "s.txt:2: unterminated single quote"},
           {"cuts.Dummy --frob\n", "s.txt:1: "},
           {"cuts.Dummy --extra {sleep:0}\n", "s.txt:1: --extra"},
           {"scenario --file x\n", "s.txt:1: a scenario line cannot be a scenario"},
           {"# only\n\n", "s.txt: no load line"}}) {
    auto lines = Parse(c.text);
    ASSERT_FALSE(lines.has_value()) << c.text;
    EXPECT_EQ(lines.error().rfind(c.expected, 0), 0u) << lines.error();
  }
}

// A run option on a load line used to be dropped without a word (issue 12):
// now the line is refused, naming it, whatever its value, however written.
TEST(ScenarioText, ARunOptionOnALineIsRefusedWithItsLine) {
  const std::string head = "# a comment\ncuts.Dummy --id A --proc 2 -v\n";
  struct Case {
    std::string words;
    std::string option;
  };
  for (const Case& c : std::vector<Case>{{"--output o.txt", "--output"},
                                         {"--report r.json", "--report"},
                                         {"--outformat csv", "--outformat"},
                                         {"--out x", "--outformat"},  // Pylogen's prefix of it
                                         {"--summary 2", "--summary"},
                                         {"--su=2", "--summary"},
                                         {"--grace 1", "--grace"},
                                         {"--queue 1024", "--queue"},
                                         {"--jobs 1024", "--jobs"},
                                         {"--jobs 1000", "--jobs"},  // bad value: the option first
                                         {"--defaults d.json", "--defaults"},
                                         {"--def=d.json", "--defaults"},
                                         {"--threshold p99<5ms", "--threshold"}}) {
    auto lines = Parse(head + "cuts.Dummy --id B " + c.words + " --proc 1\n");
    ASSERT_FALSE(lines.has_value()) << c.words;
    EXPECT_EQ(lines.error(),
              "s.txt:3: " + c.option + " is a run option: give it on the pylogen scenario command line")
        << c.words;
  }
  for (const std::string reserved : {"--html", "--prometheus", "--shard", "--start-at"}) {
    auto lines = Parse(head + "cuts.Dummy " + reserved + " x\n");
    ASSERT_FALSE(lines.has_value()) << reserved;
    EXPECT_EQ(lines.error(), "s.txt:3: " + reserved +
                                 " is reserved for a run option (not in this version): a scenario "
                                 "line cannot give it");
    auto with_value = Parse(head + "cuts.Dummy " + reserved + "=x\n");
    ASSERT_FALSE(with_value.has_value()) << reserved;
    EXPECT_EQ(with_value.error().rfind("s.txt:3: " + reserved + " is reserved", 0), 0u) << with_value.error();
  }
  // Words that only look like one are a load's: a value, an --extra text.
  auto fine = Parse("cuts.Dummy --id output --extra '{\"k\": \"--output\"}' -vv\n");
  ASSERT_TRUE(fine.has_value()) << fine.error();
  EXPECT_EQ((*fine)[0].load.id, "output");
}

TEST(ScenarioText, IsRunOptionKnowsTheRunOptionsOnly) {
  for (const char* name : {"--output", "--report", "--outformat", "--summary", "--grace", "--queue",
                           "--jobs", "--defaults", "--threshold", "--html", "--prometheus",
                           "--shard", "--start-at"}) {
    EXPECT_TRUE(IsRunOption(name)) << name;
  }
  for (const char* name : {"-v", "--id", "--process", "--extra", "--schedule", "--maxworkers",
                           "output", "--out", "--file"}) {
    EXPECT_FALSE(IsRunOption(name)) << name;
  }
}

// The sample files shipped in scenarios/ stay valid.
TEST(ScenarioText, EverySampleFileParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PYLOGEN_SCENARIO_DIR)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    int verbosity = 0;
    auto lines = ParseScenarioText(entry.path().string(), text.str(), "", &verbosity);
    EXPECT_TRUE(lines.has_value()) << lines.error();
    ++files;
  }
  EXPECT_GE(files, 2);
}

TEST(ScenarioCommandLine, RunOptionsApplyToTheWholeRun) {
  auto dir = std::filesystem::temp_directory_path() / ("pylogen-scenario-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "s.txt").string();
  std::ofstream(file) << "cuts.Dummy --id A\ncuts.Dummy --id B --proc 3\n";
  auto o = ParseCommandLine({"scenario", "--file", file, "--out", "csv", "--report", "r.json",
                             "--summary", "2", "-v"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->scenario.size(), 2u);
  EXPECT_EQ(o->outformat, "csv");
  EXPECT_EQ(o->report, "r.json");
  EXPECT_EQ(o->summary_s, 2);
  EXPECT_EQ(o->verbosity, 1);
  auto loads = LoadsOf(*o);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[1].processes, 3u);
  auto missing = ParseCommandLine({"scenario", "--file", (dir / "nope.txt").string()});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().exit_code, 2);
  EXPECT_NE(missing.error().text.find("cannot read scenario file"), std::string::npos);
  auto no_file = ParseCommandLine({"scenario"});
  ASSERT_FALSE(no_file.has_value());
  EXPECT_NE(no_file.error().text.find("--file"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// `pylogen scenario --file s.txt --procs 3` said "unknown option '--procs'"
// and no more: --process is a load's option, given on the file's lines.
TEST(ScenarioCommandLine, AnUnknownOptionSuggestsTheNearestOfEitherCommandLine) {
  auto dir = std::filesystem::temp_directory_path() / ("pylogen-scenario-u-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "s.txt").string();
  std::ofstream(file) << "cuts.Dummy\n";
  const std::string kWhere = "an option of one load: give it on the load's line of the scenario file";
  for (const auto& [word, said] : std::vector<std::pair<std::string, std::string>>{
           {"--outfromat", "scenario: unknown option '--outfromat'; did you mean --outformat?"},
           {"--procs", "scenario: unknown option '--procs'; did you mean --process? (" + kWhere + ")"},
           {"--process", "scenario: --process is " + kWhere},
           {"--proc", "scenario: --proc is --process, " + kWhere},
           {"--schedule=1@1", "scenario: --schedule is " + kWhere},
           {"--shedule", "scenario: unknown option '--shedule'; did you mean --schedule? (" + kWhere + ")"},
           {"--frobnicate", "scenario: unknown option '--frobnicate'"}}) {
    auto o = ParseCommandLine({"scenario", "--file", file, word, "3"});
    ASSERT_FALSE(o.has_value()) << word;
    EXPECT_EQ(o.error().exit_code, 2) << word;
    EXPECT_EQ(o.error().text, said) << word;
  }
  std::filesystem::remove_all(dir);
}

class ScenarioFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pylogen-scenario-file-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

// A UTF-8 BOM before the first '#' comment used to make "s.txt:1: ... not expected".
TEST_F(ScenarioFile, AByteOrderMarkIsSkipped) {
  std::string file = Write("bom.txt", "\xEF\xBB\xBF# a comment\ncuts.Dummy --id A\n");
  auto o = ParseCommandLine({"scenario", "--file", file});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  ASSERT_EQ(o->scenario.size(), 1u);
  EXPECT_EQ(o->scenario[0].line, 2);
  std::string first = Write("bom2.txt", "\xEF\xBB\xBF" "cuts.Dummy --id B\n");
  auto b = ParseCommandLine({"scenario", "--file", first});
  ASSERT_TRUE(b.has_value()) << b.error().text;
  EXPECT_EQ(b->scenario[0].load.cut, "cuts.Dummy");
}

TEST_F(ScenarioFile, ADirectoryOrAnEmptyNameIsSaidSo) {
  auto dir = ParseCommandLine({"scenario", "--file", dir_.string()});
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().text,
            "--file: scenario file '" + dir_.string() + "' is a directory, expected a regular file");
  auto empty = ParseCommandLine({"scenario", "--file", ""});
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().text, "--file: empty value (expected a scenario file)");
}

// The run options of a scenario are checked like a CUT command line's:
// each occurrence, no empty value, the same --summary floor, one line for strays.
TEST_F(ScenarioFile, RunOptionsAreCheckedEveryTime) {
  std::string file = Write("s.txt", "cuts.Dummy\n");
  struct Case {
    std::vector<std::string> extra;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {{"--summary", "x", "--summary", "1"}, "--summary: 'x' is not a duration"},
           {{"--summary", "1e-10"}, "--summary: 1e-10s is below the floor of 1ms"},
           {{"--output", ""}, "--output: empty value (expected a file name)"},
           {{"--report", ""}, "--report: empty value (expected a file name)"},
           {{"--report="}, "scenario: --report: no value given (expected a file name)"},
           {{"--defaults", ""}, "--defaults: empty value (expected a defaults file)"},
           {{"--queue", "3"}, "--queue: 3 is not a power of two"},
           {{"stray", "more"}, "scenario: unexpected argument 'stray' (and 1 more)"}}) {
    std::vector<std::string> args = {"scenario", "--file", file};
    args.insert(args.end(), c.extra.begin(), c.extra.end());
    auto o = ParseCommandLine(args);
    ASSERT_FALSE(o.has_value()) << c.expected;
    EXPECT_EQ(o.error().exit_code, 2);
    EXPECT_EQ(o.error().text.rfind(c.expected, 0), 0u) << o.error().text;
  }
  auto last = ParseCommandLine({"scenario", "--file", file, "--grace", "1", "--grace", "2"});
  ASSERT_TRUE(last.has_value()) << last.error().text;
  EXPECT_EQ(last->grace_s, 2);
}

// --jobs is the run's (one jobs queue): it may no longer be given on a
// line, so the scenario command line takes it, for every line.
TEST_F(ScenarioFile, JobsOnTheScenarioCommandLineIsEveryLines) {
  std::string file = Write("j.txt", "cuts.Dummy --open --sche 1@1\ncuts.Dummy --id B\n");
  auto o = ParseCommandLine({"scenario", "--file", file, "--jobs", "4096"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  for (const LoadOptions& load : LoadsOf(*o)) EXPECT_EQ(load.jobs, 4096u);
  auto unset = ParseCommandLine({"scenario", "--file", file});
  ASSERT_TRUE(unset.has_value()) << unset.error().text;
  for (const LoadOptions& load : LoadsOf(*unset)) EXPECT_EQ(load.jobs, plan::kDefaultJobs);
  auto bad = ParseCommandLine({"scenario", "--file", file, "--jobs", "1000"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().exit_code, 2);
  EXPECT_EQ(bad.error().text, "--jobs: 1000 is not a power of two");
}

TEST_F(ScenarioFile, ALineWarningKeepsItsFileAndLine) {
  std::string file = Write("w.txt", "# c\ncuts.Dummy --sched 5@1\ncuts.Dummy --open --sched 5@1\n");
  auto o = ParseCommandLine({"scenario", "--file", file});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->warnings,
            std::vector<std::string>{file + ":2: --schedule applies to the opened model (--openedmodel): ignored"});
}

// The limit on (load, length) pairs is over the whole run, every line counted.
TEST_F(ScenarioFile, LoadLengthPairsAreCountedOverEveryLine) {
  std::string lengths = "0";
  for (std::size_t i = 1; i < kMaxLoadLengths / 2; ++i) lengths += "," + std::to_string(i);
  std::string line = "cuts.Dummy --lengths " + lengths + "\n";
  ASSERT_TRUE(ParseCommandLine({"scenario", "--file", Write("two.txt", line + line)}).has_value());
  auto three = ParseCommandLine({"scenario", "--file", Write("three.txt", line + line + line)});
  ASSERT_FALSE(three.has_value());
  EXPECT_EQ(three.error().text.rfind(fmt::format("--lengths: {} values over the run's loads, above the limit of {}",
                                                 3 * (kMaxLoadLengths / 2), kMaxLoadLengths),
                                     0),
            0u)
      << three.error().text.substr(0, 300);
}

// A megabyte of bad line is not echoed back whole.
TEST(ScenarioText, ALongBadLineIsEchoedCut) {
  for (const std::string& line : {"cuts.Dummy --process " + std::string(1000000, '9') + "x",
                                  "cuts.Dummy --" + std::string(1000000, 'q'),
                                  "cuts.Dummy " + std::string(30000, 'z') + " " + std::string(30000, 'z')}) {
    auto lines = Parse("cuts.Dummy\n" + line + "\n");
    ASSERT_FALSE(lines.has_value());
    EXPECT_EQ(lines.error().rfind("s.txt:2: ", 0), 0u) << lines.error().substr(0, 300);
    EXPECT_LT(lines.error().size(), 400u) << lines.error().substr(0, 400);
  }
}

}  // namespace
}  // namespace pylogen::cli

namespace pylogen::cli {
namespace {

// A run-level key in a defaults file that scenario lines read (the
// scenario's --defaults, or ./defaults.json) used to be dropped without a
// word: it is refused naming the scenario's file:line, the defaults file and
// the key, for each of the run options' names.
TEST_F(ScenarioFile, ARunKeyInTheLinesDefaultsFileIsRefused) {
  std::string file = Write("d.txt", "# first\ncuts.Dummy --id A\n");
  for (const char* key : {"output", "report", "outformat", "summary", "grace", "queue", "jobs",
                          "threshold", "defaults", "html"}) {
    std::string defaults = Write("d.json", fmt::format(R"({{"process": 2, "{}": "1"}})", key));
    auto o = ParseCommandLine({"scenario", "--file", file, "--defaults", defaults});
    ASSERT_FALSE(o.has_value()) << key;
    EXPECT_EQ(o.error().exit_code, 2);
    EXPECT_EQ(o.error().text,
              fmt::format("{}:2: {}: \"{}\" is a run option: a defaults file of scenario lines "
                          "cannot set it (give --{} on the pylogen scenario command line)",
                          file, defaults, key, key))
        << key;
  }
  // The loads' own keys are still taken from it.
  std::string defaults = Write("ok.json", R"({"process": 3})");
  auto o = ParseCommandLine({"scenario", "--file", file, "--defaults", defaults});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->scenario[0].load.processes, 3u);
}

// The same file given to a single CUT command line still sets the run.
TEST_F(ScenarioFile, ARunKeyInADefaultsFileOfACutCommandLineIsKept) {
  std::string out = (dir_ / "events.txt").string();
  std::string defaults = Write("run.json", fmt::format(R"({{"output": "{}", "grace": 3}})", out));
  auto o = ParseCommandLine({"cuts.Dummy", "--defaults", defaults});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->output, out);
  EXPECT_EQ(o->grace_s, 3);
}

}  // namespace
}  // namespace pylogen::cli
