#include "cli/options.h"

#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/fields.h"
#include "stats/aggregator.h"

namespace pylogen::cli {
namespace {

using Args = std::vector<std::string>;

RunOptions ParseOk(const Args& args) {
  auto result = ParseCommandLine(args);
  EXPECT_TRUE(result.has_value()) << "exit " << result.error().exit_code << ": "
                                  << result.error().text;
  return result.value_or(RunOptions{});
}

TEST(ParseCommandLineTest, Defaults) {
  RunOptions o = ParseOk({"cuts/Dummy"});
  EXPECT_EQ(o.load.cut, "cuts/Dummy");
  EXPECT_EQ(o.load.id, "");
  EXPECT_EQ(o.load.processes, 1u);
  EXPECT_EQ(o.load.loops, 5u);
  EXPECT_EQ(o.load.lengths, Args{"0"});
  EXPECT_EQ(o.load.duration_s, 0);
  EXPECT_EQ(o.load.postpone_s, 0);
  EXPECT_EQ(o.load.rampup_s, 0);
  EXPECT_EQ(o.load.pauseloop_s, 0);
  EXPECT_EQ(o.load.pauselen_s, 0);
  EXPECT_EQ(o.load.extra, "{}");
  EXPECT_EQ(o.summary_s, 1);
  EXPECT_EQ(o.outformat, "short");
  EXPECT_EQ(o.output, "");
  EXPECT_EQ(o.report, "");
  EXPECT_EQ(o.verbosity, 0);
  EXPECT_EQ(o.queue, 0u);
  EXPECT_EQ(o.grace_s, 10);
}

// Pylogen's own sample command line, abbreviations included.
TEST(ParseCommandLineTest, PylogenSampleWithPrefixes) {
  RunOptions o = ParseOk({"cuts.Dummy", "--le", "384", "--pauselen", "0", "--pauselo", "0.001",
                          "--duration", "10", "--ram", "0", "--proc", "2"});
  EXPECT_EQ(o.load.cut, "cuts.Dummy");
  EXPECT_EQ(o.load.lengths, Args{"384"});
  EXPECT_EQ(o.load.pauselen_s, 0);
  EXPECT_DOUBLE_EQ(o.load.pauseloop_s, 0.001);
  EXPECT_EQ(o.load.duration_s, 10);
  EXPECT_EQ(o.load.rampup_s, 0);
  EXPECT_EQ(o.load.processes, 2u);
  EXPECT_EQ(o.load.loops, 5u);  // untouched
}

// Pylogen's opened-model sample, abbreviations included: --out was
// --outformat in Pylogen and keeps that meaning next to --output.
TEST(ParseCommandLineTest, PylogenOpenedSampleWithPrefixes) {
  RunOptions o = ParseOk({"cuts/Dummy", "-vvv", "--open", "--pre", "2", "--sche",
                          "5@1,10@0.1,5@1,30@0.1", "--len", "0", "--out", "x", "--contr", "0.5",
                          "--extra", R"({"sleep":1})"});
  EXPECT_TRUE(o.load.opened);
  EXPECT_EQ(o.load.prefork, 2u);
  EXPECT_EQ(o.load.schedule, "5@1,10@0.1,5@1,30@0.1");
  EXPECT_EQ(o.outformat, "x");
  EXPECT_EQ(o.output, "");
  EXPECT_DOUBLE_EQ(o.load.controller_delay_s, 0.5);
  EXPECT_EQ(o.verbosity, 3);
}

TEST(ParseCommandLineTest, OpenedModelDefaultsAndOptions) {
  RunOptions d = ParseOk({"cuts/Dummy"});
  EXPECT_FALSE(d.load.opened);
  EXPECT_EQ(d.load.schedule, "30@10");
  EXPECT_EQ(d.load.prefork, 10u);
  EXPECT_EQ(d.load.trigger, 3u);
  EXPECT_EQ(d.load.controller_delay_s, 1);
  EXPECT_EQ(d.load.decrease, 10u);
  EXPECT_EQ(d.load.min_workers, 1u);
  EXPECT_EQ(d.load.max_workers, 1000u);
  EXPECT_EQ(d.load.arrivals, "uniform");
  EXPECT_EQ(d.load.burst, "1");
  EXPECT_FALSE(d.load.seed_given);
  RunOptions o = ParseOk({"cuts/Dummy", "--openedmodel", "--trigger", "5", "--decrease", "3",
                          "--minworkers", "2", "--maxworkers", "8", "--arrivals", "poisson",
                          "--seed", "42", "--burst", "f3", "--jobs", "1024",
                          "--generatorDelay", "1", "--workerDelay", "0.5"});
  EXPECT_EQ(o.load.trigger, 5u);
  EXPECT_EQ(o.load.decrease, 3u);
  EXPECT_EQ(o.load.min_workers, 2u);
  EXPECT_EQ(o.load.max_workers, 8u);
  EXPECT_EQ(o.load.arrivals, "poisson");
  EXPECT_TRUE(o.load.seed_given);
  EXPECT_EQ(o.load.seed, 42u);
  EXPECT_EQ(o.load.burst, "f3");
  EXPECT_EQ(o.load.jobs, 1024u);
}

TEST(ParseCommandLineTest, OpenedModelErrors) {
  struct Case {
    Args args;
    const char* expected;
  };
  for (const Case& c : std::vector<Case>{
           {{"cuts/Dummy", "--minworkers", "5", "--maxworkers", "2"},
            "--minworkers 5 is above --maxworkers 2"},
           {{"cuts/Dummy", "--prefork", "9", "--maxworkers", "2"},
            "--prefork 9 is above --maxworkers 2"},
           {{"cuts/Dummy", "--arrivals", "gauss"}, "--arrivals: 'gauss'"},
           {{"cuts/Dummy", "--jobs", "1000"}, "--jobs: 1000 is not a power of two"},
           {{"cuts/Dummy", "--controllerDelay", "0"}, "--controllerDelay"},
           {{"cuts/Dummy", "--seed", "x"}, "--seed: 'x'"},
           {{"cuts/Dummy", "--generatorDelay", "soon"}, "--generatorDelay: 'soon'"},
           {{"cuts/Dummy", "--decrease", "0"}, "--decrease: '0'"},
           {{"cuts/Dummy", "--minworkers", "0"}, "--minworkers: '0'"},
           {{"cuts/Dummy", "--duration", "1e10"},
            "--duration: 1e10s is above the bound of 100 days (8640000s)"},
           {{"cuts/Dummy", "--grace", "200d"}, "--grace: 200d is above the bound of 100 days"},
           {{"cuts/Dummy", "--grace", "200x"}, "--grace: '200x' is not a duration"}}) {
    auto r = ParseCommandLine(c.args);
    ASSERT_FALSE(r.has_value()) << c.expected;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().text.find(c.expected), std::string::npos) << r.error().text;
  }
}

TEST(ParseCommandLineTest, EveryOptionIsStored) {
  RunOptions o = ParseOk({"cuts/Dummy", "--id", "LOAD1", "--process", "3", "--postpone", "2",
                          "--rampup", "500ms", "--duration", "1m", "--loops", "7", "--lengths",
                          "384,512,1024", "--pauseloop", "0.25", "--pauselen", "250us", "--extra",
                          R"({"sleep":0})", "--summary", "2", "--outformat", "csv", "--output",
                          "out.txt", "--report", "r.json", "--queue", "1024", "--grace", "3"});
  EXPECT_EQ(o.load.id, "LOAD1");
  EXPECT_EQ(o.load.processes, 3u);
  EXPECT_EQ(o.load.postpone_s, 2);
  EXPECT_DOUBLE_EQ(o.load.rampup_s, 0.5);
  EXPECT_EQ(o.load.duration_s, 60);
  EXPECT_EQ(o.load.loops, 7u);
  EXPECT_EQ(o.load.lengths, (Args{"384", "512", "1024"}));
  EXPECT_DOUBLE_EQ(o.load.pauseloop_s, 0.25);
  EXPECT_DOUBLE_EQ(o.load.pauselen_s, 250e-6);
  EXPECT_EQ(o.load.extra, R"({"sleep":0})");
  EXPECT_EQ(o.summary_s, 2);
  EXPECT_EQ(o.outformat, "csv");
  EXPECT_EQ(o.output, "out.txt");
  EXPECT_EQ(o.report, "r.json");
  EXPECT_EQ(o.queue, 1024u);
  EXPECT_EQ(o.grace_s, 3);
}

TEST(ParseCommandLineTest, EqualsFormWithPrefix) {
  RunOptions o = ParseOk({"cuts/Dummy", "--proc=4", "--ext={\"sleep\":0.5}"});
  EXPECT_EQ(o.load.processes, 4u);
  EXPECT_EQ(o.load.extra, "{\"sleep\":0.5}");
}

TEST(ParseCommandLineTest, StepsIsAnAliasOfLengths) {
  RunOptions o = ParseOk({"cuts/Dummy", "--steps", "1,2"});
  EXPECT_EQ(o.load.lengths, (Args{"1", "2"}));
}

TEST(ParseCommandLineTest, PausestepIsAnAliasOfPauselen) {
  RunOptions o = ParseOk({"cuts/Dummy", "--pausestep", "0.5"});
  EXPECT_DOUBLE_EQ(o.load.pauselen_s, 0.5);
}

// Pylogen's scenario sample line: --steps, --proc, --loop (prefix of --loops), --ram.
TEST(ParseCommandLineTest, PylogenScenarioLine) {
  RunOptions o = ParseOk(
      {"cuts.Dummy", "--id", "CLO_DUM1", "--steps", "0", "--proc", "2", "--loop", "10", "--ram",
       "5", "-vvv"});
  EXPECT_EQ(o.load.id, "CLO_DUM1");
  EXPECT_EQ(o.load.lengths, Args{"0"});
  EXPECT_EQ(o.load.processes, 2u);
  EXPECT_EQ(o.load.loops, 10u);
  EXPECT_EQ(o.load.rampup_s, 5);
  EXPECT_EQ(o.verbosity, 3);
}

struct VerbosityCase {
  Args args;
  int verbosity;
};

class VerbosityTest : public ::testing::TestWithParam<VerbosityCase> {};

TEST_P(VerbosityTest, CountsEveryV) {
  Args args = {"cuts/Dummy"};
  args.insert(args.end(), GetParam().args.begin(), GetParam().args.end());
  EXPECT_EQ(ParseOk(args).verbosity, GetParam().verbosity);
}

INSTANTIATE_TEST_SUITE_P(Cases, VerbosityTest,
                         ::testing::Values(VerbosityCase{{}, 0}, VerbosityCase{{"-v"}, 1},
                                           VerbosityCase{{"-vv"}, 2}, VerbosityCase{{"-vvv"}, 3},
                                           VerbosityCase{{"-v", "-v"}, 2},
                                           VerbosityCase{{"-vv", "-v"}, 3}));

TEST(ParseCommandLineTest, HelpExitsZeroWithUsage) {
  for (const Args& args : {Args{"--help"}, Args{"cuts/Dummy", "--help"}, Args{"-h"}}) {
    auto result = ParseCommandLine(args);
    ASSERT_FALSE(result.has_value()) << args.back();
    EXPECT_EQ(result.error().exit_code, 0) << args.back();
    EXPECT_NE(result.error().text.find("--process"), std::string::npos) << result.error().text;
    EXPECT_NE(result.error().text.find("--lengths"), std::string::npos) << result.error().text;
  }
}

TEST(ParseCommandLineTest, VersionExitsZero) {
  auto result = ParseCommandLine({"--version"});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().exit_code, 0);
  EXPECT_EQ(result.error().text.rfind("pylogen ", 0), 0u) << result.error().text;
}

struct ErrorCase {
  const char* label;
  Args args;
  std::vector<std::string> culprit;  // each must appear in the message
};

class ParseErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParseErrorTest, ExitsTwoWithOneLineNamingTheCulprit) {
  const ErrorCase& c = GetParam();
  auto result = ParseCommandLine(c.args);
  ASSERT_FALSE(result.has_value()) << "accepted";
  EXPECT_EQ(result.error().exit_code, 2) << result.error().text;
  const std::string& text = result.error().text;
  EXPECT_FALSE(text.empty());
  // One line: no newline, except possibly a final one.
  std::size_t newline = text.find('\n');
  EXPECT_TRUE(newline == std::string::npos || newline == text.size() - 1) << text;
  for (const auto& word : c.culprit) {
    EXPECT_NE(text.find(word), std::string::npos) << "'" << word << "' missing from: " << text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseErrorTest,
    ::testing::Values(
        ErrorCase{"UnknownOption", {"cuts/Dummy", "--bogus", "1"}, {"--bogus"}},
        ErrorCase{"ProcessNotANumber", {"cuts/Dummy", "--process", "abc"}, {"--process", "abc"}},
        ErrorCase{"ProcessZero", {"cuts/Dummy", "--process", "0"}, {"--process", "'0'"}},
        ErrorCase{"ProcessNegative", {"cuts/Dummy", "--process", "-1"}, {"--process", "-1"}},
        ErrorCase{"ProcessPrefixNotANumber", {"cuts/Dummy", "--proc", "x"}, {"--process", "x"}},
        ErrorCase{"LoopsFraction", {"cuts/Dummy", "--loops", "1.5"}, {"--loops", "1.5"}},
        ErrorCase{"BadDuration", {"cuts/Dummy", "--duration", "10x"}, {"--duration", "10x"}},
        ErrorCase{"NegativeDuration", {"cuts/Dummy", "--rampup", "-2"}, {"--rampup", "-2"}},
        ErrorCase{"BadPauselen", {"cuts/Dummy", "--pausestep", "abc"}, {"--pauselen", "abc"}},
        ErrorCase{"BadJson", {"cuts/Dummy", "--extra", "{bad"}, {"--extra", "JSON"}},
        ErrorCase{"JsonNotObject", {"cuts/Dummy", "--extra", "[1]"}, {"--extra", "object"}},
        ErrorCase{"EmptyLength", {"cuts/Dummy", "--lengths", "1,,2"}, {"--lengths"}},
        ErrorCase{"SummaryZero", {"cuts/Dummy", "--summary", "0"}, {"--summary"}},
        ErrorCase{"QueueNotPowerOfTwo", {"cuts/Dummy", "--queue", "3"}, {"--queue", "3"}},
        ErrorCase{"QueueOne", {"cuts/Dummy", "--queue", "1"}, {"--queue"}},
        ErrorCase{"AmbiguousPrefix",
                  {"cuts/Dummy", "--pause", "1"},
                  {"ambiguous", "--pause", "--pauselen", "--pauseloop"}},
        ErrorCase{"AmbiguousPrefixWorkers", {"cuts/Dummy", "--m", "3"}, {"--maxworkers", "--minworkers"}},
        ErrorCase{"MissingAction", {}, {"CUT"}},
        ErrorCase{"MissingActionWithOptions", {"--proc", "2"}, {"CUT"}}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.label; });

// Issue 10, item 7: nothing silently accepted.

// The opened model's grammars are checked before any CUT is loaded, whatever the model.
TEST(ParseCommandLineTest, OpenedModelValuesAreCheckedInAClosedRunToo) {
  for (bool opened : {false, true}) {
    Args schedule = {"cuts/Dummy", "--loops", "1", "--schedule", "10@oops"};
    Args burst = {"cuts/Dummy", "--burst", "fx"};
    if (opened) schedule.push_back("--openedmodel"), burst.push_back("--openedmodel");
    auto r = ParseCommandLine(schedule);
    ASSERT_FALSE(r.has_value()) << opened;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_EQ(r.error().text.rfind("--schedule segment 1 '10@oops'", 0), 0u) << r.error().text;
    auto b = ParseCommandLine(burst);
    ASSERT_FALSE(b.has_value()) << opened;
    EXPECT_EQ(b.error().text.rfind("--burst: 'fx' is not a burst", 0), 0u) << b.error().text;
  }
}

TEST(ParseCommandLineTest, AnOpenedModelOptionInAClosedRunIsWarnedAbout) {
  RunOptions closed = ParseOk({"cuts/Dummy", "--schedule", "5@1", "--sche", "6@1", "--burst", "f2",
                               "--maxworkers", "4"});
  EXPECT_EQ(closed.warnings,
            (Args{"--schedule applies to the opened model (--openedmodel): ignored",
                  "--maxworkers applies to the opened model (--openedmodel): ignored",
                  "--burst applies to the opened model (--openedmodel): ignored"}));
  EXPECT_EQ(closed.load.schedule, "6@1");  // checked and kept, the last one
  RunOptions opened = ParseOk({"cuts/Dummy", "--openedmodel", "--schedule", "5@1", "--burst", "f2"});
  EXPECT_TRUE(opened.warnings.empty());
  EXPECT_TRUE(ParseOk({"cuts/Dummy", "--loops", "2"}).warnings.empty());
}

// Every option of a CUT command line, with a valid value.
const std::vector<std::pair<std::string, std::string>> kEveryOption = {
    {"--id", "A"}, {"--process", "2"}, {"--postpone", "0"}, {"--rampup", "0"},
    {"--duration", "1"}, {"--loops", "1"}, {"--lengths", "0"}, {"--steps", "0"},
    {"--pauseloop", "0"}, {"--pauselen", "0"}, {"--pausestep", "0"}, {"--extra", "{}"},
    {"--concurrency", "1"}, {"--optimeout", "1"}, {"--summary", "1"}, {"--outformat", "csv"},
    {"--output", "o.txt"}, {"--report", "r.json"}, {"--queue", "0"}, {"--grace", "1"},
    {"--schedule", "5@1"}, {"--prefork", "1"}, {"--trigger", "1"}, {"--controllerDelay", "1"},
    {"--decrease", "1"}, {"--minworkers", "1"}, {"--maxworkers", "2"}, {"--arrivals", "poisson"},
    {"--seed", "1"}, {"--burst", "1"}, {"--jobs", "1024"}, {"--generatorDelay", "1"},
    {"--workerDelay", "1"}};

TEST(ParseCommandLineTest, AnEmptyValueIsBadInputForEveryOption) {
  for (const auto& [option, value] : kEveryOption) {
    ParseOk({"cuts/Dummy", option, value});  // the valid value passes
    auto r = ParseCommandLine({"cuts/Dummy", option, ""});
    ASSERT_FALSE(r.has_value()) << option << " '' accepted";
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_NE(r.error().text.find(": empty value (expected "), std::string::npos) << r.error().text;
    // No value at all, written --opt= or last on the line: one line of ours,
    // not CLI11's "1 required TEXT missing".
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"cuts/Dummy", option + "="}, {"cuts/Dummy", option}}) {
      auto missing = ParseCommandLine(args);
      ASSERT_FALSE(missing.has_value()) << args.back() << " accepted";
      EXPECT_EQ(missing.error().exit_code, 2);
      EXPECT_NE(missing.error().text.find(": no value given (expected "), std::string::npos)
          << missing.error().text;
    }
  }
  auto prefork = ParseCommandLine({"cuts/Dummy", "--prefork"});
  EXPECT_EQ(prefork.error().text, "--prefork: no value given (expected an integer)");
  auto defaults = ParseCommandLine({"cuts/Dummy", "--defaults", ""});
  ASSERT_FALSE(defaults.has_value());
  EXPECT_EQ(defaults.error().text, "--defaults: empty value (expected a defaults file)");
  auto cut = ParseCommandLine({""});
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error().text.rfind("the CUT: empty value", 0), 0u) << cut.error().text;
  auto output = ParseCommandLine({"cuts/Dummy", "--output", ""});
  EXPECT_EQ(output.error().text, "--output: empty value (expected a file name)");
}

// A repeated option is checked at each occurrence; the last one wins.
TEST(ParseCommandLineTest, ARepeatedOptionIsCheckedEveryTimeAndTheLastWins) {
  for (const auto& [option, value] : kEveryOption) {
    if (option == "--outformat" || option == "--output" || option == "--report") {
      continue;  // any text is valid
    }
    auto r = ParseCommandLine({"cuts/Dummy", option, "1,,\xff", option, value});
    ASSERT_FALSE(r.has_value()) << option << " '1,,\\xff' then " << value << " accepted";
    EXPECT_EQ(r.error().exit_code, 2);
  }
  auto loops = ParseCommandLine({"cuts/Dummy", "--loops", "x", "--loops", "1"});
  ASSERT_FALSE(loops.has_value());
  EXPECT_EQ(loops.error().text.rfind("--loops: 'x' is not a valid count", 0), 0u) << loops.error().text;
  RunOptions o = ParseOk({"cuts/Dummy", "--loops", "2", "--lo", "3", "--process=4", "--process", "5",
                          "--out", "csv", "--outformat", "json", "--id", "A", "--id", "B"});
  EXPECT_EQ(o.load.loops, 3u);
  EXPECT_EQ(o.load.processes, 5u);
  EXPECT_EQ(o.outformat, "json");
  EXPECT_EQ(o.load.id, "B");
  // An --id that is not UTF-8 is refused even when a later one is valid.
  EXPECT_FALSE(ParseCommandLine({"cuts/Dummy", "--id", "\xff", "--id", "B"}).has_value());
}

// A typo gave "The following arguments were not expected: 2 --procs".
TEST(ParseCommandLineTest, AnUnknownOptionSuggestsTheNearest) {
  for (const auto& [word, expected] : std::vector<std::pair<std::string, std::string>>{
           {"--procs", "unknown option '--procs'; did you mean --process?"},
           {"--duraton", "unknown option '--duraton'; did you mean --duration?"},
           {"--shedule", "unknown option '--shedule'; did you mean --schedule?"},
           {"--frobnicate", "unknown option '--frobnicate'"}}) {
    auto r = ParseCommandLine({"cuts/Dummy", word, "2"});
    ASSERT_FALSE(r.has_value()) << word;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_EQ(r.error().text, expected);
  }
}

// 100,000 stray arguments: one short line, not CLI11's list of them all.
TEST(ParseCommandLineTest, StrayArgumentsComeBackAsOneShortLine) {
  Args args = {"cuts/Dummy"};
  args.insert(args.end(), 100000, "x");
  auto r = ParseCommandLine(args);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
  EXPECT_EQ(r.error().text.rfind("unexpected argument 'x' (and 99999 more): expected pylogen CUT [options]", 0), 0u)
      << r.error().text.substr(0, 200);
  auto unknown = ParseCommandLine({"cuts/Dummy", "--frobnicate", "3"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().text, "unknown option '--frobnicate'");  // "3" is its value: not counted
  auto two = ParseCommandLine({"cuts/Dummy", "--frobnicate", "3", "--bogus"});
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().text, "unknown option '--frobnicate' (and 1 more)");
  auto long_one = ParseCommandLine({"cuts/Dummy", std::string(1000000, 'y')});
  ASSERT_FALSE(long_one.has_value());
  EXPECT_LT(long_one.error().text.size(), 200u);
  EXPECT_NE(long_one.error().text.find("... (1000000 bytes)"), std::string::npos) << long_one.error().text;
}

// A megabyte of bad value is echoed as an excerpt, whatever the option.
TEST(ParseCommandLineTest, ALongBadValueIsEchoedCut) {
  const std::string huge(1000000, '7');
  for (const char* option : {"--process", "--duration", "--lengths", "--extra", "--schedule",
                             "--burst", "--arrivals", "--jobs", "--queue", "--seed"}) {
    std::string value = std::string(option) == "--lengths" ? huge + ",," : huge + "x";
    auto r = ParseCommandLine({"cuts/Dummy", option, value});
    ASSERT_FALSE(r.has_value()) << option;
    EXPECT_LT(r.error().text.size(), 400u) << option << ": " << r.error().text.substr(0, 400);
    EXPECT_EQ(r.error().text.rfind(option, 0), 0u) << r.error().text.substr(0, 400);
  }
}

TEST(ParseCommandLineTest, ExtraNestingIsBounded) {
  auto nested = [](std::size_t depth) {
    return R"({"a":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  EXPECT_EQ(JsonTextDepth(nested(kMaxExtraDepth)), kMaxExtraDepth);
  ParseOk({"cuts/Dummy", "--extra", nested(kMaxExtraDepth)});
  for (std::size_t depth : {kMaxExtraDepth + 1, std::size_t{100000}}) {
    auto r = ParseCommandLine({"cuts/Dummy", "--extra", nested(depth)});
    ASSERT_FALSE(r.has_value()) << depth;
    EXPECT_EQ(r.error().text, "--extra: nests deeper than 100 levels (expected a JSON object of at most 100 levels)");
  }
  // Brackets inside strings are text, not nesting.
  ParseOk({"cuts/Dummy", "--extra", R"({"a":")" + std::string(500, '[') + R"("})"});
}

// The reader keeps histograms per load and length: their number is bounded up front.
TEST(ParseCommandLineTest, LoadLengthPairsAreBounded) {
  auto lengths = [](std::size_t n) {
    std::string text = "0";
    for (std::size_t i = 1; i < n; ++i) text += "," + std::to_string(i);
    return text;
  };
  // Compact histograms: the issue's 1,000 names fit, up to the reader's own name cap.
  EXPECT_GE(kMaxLoadLengths, 1000u);
  EXPECT_LE(kMaxLoadLengths, stats::kMaxNames);
  EXPECT_EQ(ParseOk({"cuts/Dummy", "--lengths", lengths(kMaxLoadLengths)}).load.lengths.size(),
            kMaxLoadLengths);
  for (std::size_t n : {kMaxLoadLengths + 1, std::size_t{60000}}) {
    auto r = ParseCommandLine({"cuts/Dummy", "--lengths", lengths(n)});
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_EQ(r.error().exit_code, 2);
    EXPECT_EQ(r.error().text.rfind(fmt::format("--lengths: {} values over the run's loads, above the "
                                               "limit of {}",
                                               n, kMaxLoadLengths),
                                   0),
              0u)
        << r.error().text.substr(0, 300);
  }
}

}  // namespace
}  // namespace pylogen::cli
