#include "cli/help_format.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli/help_entries.h"
#include "cli/options.h"
#include "cli/report_options.h"
#include "cli/words.h"
#include "plan/defaults.h"

namespace pylogen::cli {
namespace {

using testing::HelpEntry;
using testing::HelpOf;
using testing::ParseHelpEntries;
using testing::UsageLines;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::map<std::string, HelpEntry> ByName(const std::string& help) {
  std::map<std::string, HelpEntry> by_name;
  for (const HelpEntry& e : ParseHelpEntries(help)) {
    for (const std::string& name : e.names) by_name[name] = e;
  }
  return by_name;
}

TEST(WrapTest, BreaksAtSpacesWithinTheWidth) {
  EXPECT_EQ(Wrap("aaa bbb ccc", 0, 2, 7), "aaa bbb\n  ccc");
  EXPECT_EQ(Wrap("aaa bbb ccc", 4, 4, 11), "aaa bbb\n    ccc");
  EXPECT_EQ(Wrap("aaa bbb ccc", 4, 4, 10), "aaa\n    bbb\n    ccc");
  EXPECT_EQ(Wrap("one\ntwo", 0, 1, 80), "one\n two");
  EXPECT_EQ(Wrap("  spaced   words ", 0, 0, 80), "spaced words");
}

TEST(WrapTest, ALongWordStaysWhole) {
  EXPECT_EQ(Wrap("a verylongword b", 0, 0, 5), "a\nverylongword\nb");
}

TEST(DescribeTest, AFlagGetsItsDefaultInItsDescriptionNotItsDefaultString) {
  CLI::App app;
  bool flag = false;
  CLI::Option* option = Describe(app.add_flag("--flag", flag, "Does it"), "", "off");
  EXPECT_EQ(option->get_description(), "Does it (default: off)");
  EXPECT_EQ(option->get_default_str(), "");
  app.parse(std::vector<std::string>{"--flag"});
  EXPECT_TRUE(flag);
}

TEST(HelpTest, GroupsInOrder) {
  const std::string help = HelpOf({"--help"});
  std::vector<std::string> groups;
  for (const std::string& line : Lines(help)) {
    if (!line.empty() && line[0] != ' ' && line.back() == ':') groups.push_back(line);
  }
  EXPECT_EQ(groups,
            (std::vector<std::string>{"Usage:", "Arguments:", "Run:", "Closed model:",
                                      "Opened model:", "Output:", "Exit codes:", "Examples:"}));
}

TEST(HelpTest, BothFormsAndReportInTheUsage) {
  EXPECT_EQ(UsageLines(HelpOf({"--help"})),
            (std::vector<std::string>{
                "pylogen CUT [options]", "pylogen scenario --file FILE [run options]",
                "pylogen report show A.json",
                "pylogen report merge A.json B.json ... [--report OUT] [--threshold EXPR ...]"}));
  const std::string help = HelpOf({"cuts/Dummy", "-h"});
  EXPECT_NE(help.find("\n  CUT                         cuts/Dummy, cuts.Dummy or a path to a .so"),
            std::string::npos)
      << help;
  EXPECT_EQ(help.find("action"), std::string::npos) << help;
  EXPECT_EQ(help.find("TEXT"), std::string::npos) << help;
}

struct Expected {
  const char* group;
  const char* type;
  std::string default_text;
};

// Every option's group, value type and default; the defaults of
// plan/defaults.h as that header states them.
TEST(HelpTest, EveryOptionsGroupTypeAndDefault) {
  auto text = [](auto v) { return fmt::format("{}", v); };
  const std::map<std::string, Expected> expected = {
      {"--help", {"Run", "", ""}},
      {"-v", {"Run", "", "errors only"}},
      {"--id", {"Run", "NAME", "the CUT's name"}},
      {"--postpone", {"Run", "DURATION", "0"}},
      {"--lengths", {"Run", "LIST", "0"}},
      {"--extra", {"Run", "JSON", "{}"}},
      {"--concurrency", {"Run", "N", text(plan::kDefaultConcurrency)}},
      {"--optimeout", {"Run", "DURATION", text(plan::kDefaultOptimeoutS)}},
      {"--grace", {"Run", "DURATION", text(plan::kDefaultGraceS)}},
      {"--queue", {"Run", "N", "0"}},
      {"--threshold", {"Run", "EXPR", "none"}},
      {"--defaults", {"Run", "FILE", "./defaults.json if present"}},
      {"--version", {"Run", "", ""}},
      {"--process", {"Closed model", "N", text(plan::kDefaultProcesses)}},
      {"--rampup", {"Closed model", "DURATION", "0"}},
      {"--duration", {"Closed model", "DURATION", "0"}},
      {"--loops", {"Closed model", "N", text(plan::kDefaultLoops)}},
      {"--pauseloop", {"Closed model", "DURATION", "0"}},
      {"--pauselen", {"Closed model", "DURATION", "0"}},
      {"--openedmodel", {"Opened model", "", "off"}},
      {"--schedule", {"Opened model", "SCHEDULE", plan::kDefaultSchedule}},
      {"--prefork", {"Opened model", "N", text(plan::kDefaultPrefork) + ", at most --maxworkers"}},
      {"--trigger", {"Opened model", "N", text(plan::kDefaultTrigger)}},
      {"--controllerDelay", {"Opened model", "DURATION", text(plan::kDefaultControllerDelayS)}},
      {"--decrease", {"Opened model", "N", text(plan::kDefaultDecrease)}},
      {"--minworkers", {"Opened model", "N", text(plan::kDefaultMinWorkers)}},
      {"--maxworkers", {"Opened model", "N", text(plan::kDefaultMaxWorkers)}},
      {"--arrivals", {"Opened model", "MODE", plan::kDefaultArrivals}},
      {"--seed", {"Opened model", "N", "drawn, reported"}},
      {"--burst", {"Opened model", "BURST", plan::kDefaultBurst}},
      {"--jobs", {"Opened model", "N", text(plan::kDefaultJobs)}},
      {"--generatorDelay", {"Opened model", "DURATION", "none"}},
      {"--workerDelay", {"Opened model", "DURATION", "none"}},
      {"--outformat", {"Output", "FORMAT", "short"}},
      {"--output", {"Output", "FILE", "stdout"}},
      {"--report", {"Output", "FILE", "no report"}},
      {"--summary", {"Output", "DURATION", text(plan::kDefaultSummaryS)}},
  };
  std::vector<HelpEntry> entries = ParseHelpEntries(HelpOf({"--help"}));
  EXPECT_EQ(entries.size(), expected.size());
  for (const HelpEntry& e : entries) {
    std::string name = e.names.back();  // the long name ("-h" sorts first)
    auto it = expected.find(name == "-h" ? "--help" : name);
    if (name == "--steps" || name == "--pausestep") it = expected.find(e.names.front());
    ASSERT_NE(it, expected.end()) << "unexpected option " << name;
    EXPECT_EQ(e.group, it->second.group) << name;
    EXPECT_EQ(e.type, it->second.type) << name;
    EXPECT_EQ(e.default_text, it->second.default_text) << name << ": " << e.text;
  }
  auto by_name = ByName(HelpOf({"--help"}));
  EXPECT_EQ(by_name["--lengths"].names, (std::vector<std::string>{"--lengths", "--steps"}));
  EXPECT_EQ(by_name["--pauselen"].names, (std::vector<std::string>{"--pauselen", "--pausestep"}));
}

TEST(HelpTest, FitsTwoScreensOfAHundredColumns) {
  for (const auto& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"scenario", "--help"}}) {
    std::vector<std::string> lines = Lines(HelpOf(args));
    EXPECT_LE(lines.size(), 80u) << args[0];
    for (const std::string& line : lines) {
      EXPECT_LE(line.size(), kHelpWidth) << line;
      EXPECT_FALSE(line.ends_with(" ")) << "'" << line << "'";
    }
  }
}

TEST(HelpTest, ExitCodesOfMain) {
  const std::string help = HelpOf({"--help"});
  std::string codes = help.substr(help.find("Exit codes:"));
  for (const char* code :
       {"  0    the run completed", "  1    the run failed", "  2    bad input, nothing started",
        "3    a worker crashed", "99   the run completed, but a --threshold was broken",
        "130  interrupted", "141  the output pipe was closed"}) {
    EXPECT_NE(codes.find(code), std::string::npos) << code;
  }
}

// The examples are command lines that parse: one closed, one opened.
TEST(HelpTest, TwoExamplesThatParse) {
  const std::string help = HelpOf({"--help"});
  std::vector<std::string> examples;
  bool in = false;
  for (const std::string& line : Lines(help)) {
    if (line == "Examples:")
      in = true;
    else if (in && line.starts_with("  pylogen "))
      examples.push_back(line.substr(10));
  }
  ASSERT_EQ(examples.size(), 2u) << help;
  std::vector<bool> opened;
  for (const std::string& example : examples) {
    auto words = SplitWords(example);
    ASSERT_TRUE(words.has_value()) << example;
    auto options = ParseCommandLine(*words);
    ASSERT_TRUE(options.has_value()) << example << ": " << options.error().text;
    EXPECT_TRUE(options->warnings.empty()) << example << ": " << options->warnings.front();
    opened.push_back(options->load.opened);
  }
  EXPECT_EQ(opened, (std::vector<bool>{false, true}));
}

// The defaults --help states are accepted: none is above a bound.
TEST(HelpTest, EveryStatedNumericDefaultIsAccepted) {
  for (const HelpEntry& e : ParseHelpEntries(HelpOf({"--help"}))) {
    if (e.type != "N" && e.type != "DURATION") continue;
    std::string value = e.default_text.substr(0, e.default_text.find(','));
    if (value.find_first_not_of("0123456789.") != std::string::npos) continue;  // "drawn"
    auto options = ParseCommandLine({"cuts/Dummy", "--openedmodel", e.names.front(), value});
    EXPECT_TRUE(options.has_value())
        << e.names.front() << " " << value << ": " << options.error().text;
  }
}

TEST(HelpTest, ScenarioHelpSaysItsFormAndItsOptionsAsPylogensHelp) {
  const std::string help = HelpOf({"scenario", "--help"});
  EXPECT_EQ(UsageLines(help),
            std::vector<std::string>{"pylogen scenario --file FILE [run options]"});
  auto main = ByName(HelpOf({"--help"}));
  auto scenario = ByName(help);
  EXPECT_EQ(scenario.size(), 13u) << help;  // -h and --help count twice
  for (const auto& [name, e] : scenario) {
    if (name == "--file") {
      EXPECT_EQ(e.type, "FILE");
      EXPECT_TRUE(e.text.ends_with("(required)")) << e.text;
      continue;
    }
    ASSERT_TRUE(main.contains(name)) << name;
    EXPECT_EQ(e.type, main[name].type) << name;
    EXPECT_EQ(e.default_text, main[name].default_text) << name;
    EXPECT_EQ(e.group, main[name].group == "Output" ? "Output" : "Run") << name;
  }
  EXPECT_EQ(help.find("[OPTIONS]"), std::string::npos) << help;
}

std::string ReportHelp(const std::vector<std::string>& words) {
  std::vector<std::string> args = {"report"};
  args.insert(args.end(), words.begin(), words.end());
  auto result = ParseReportCommandLine(args);
  return result.has_value() ? "" : result.error().text;
}

TEST(HelpTest, ReportHelpsHaveNoRawCli11Block) {
  for (const auto& words :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"show", "--help"},
        std::vector<std::string>{"merge", "-h"}}) {
    const std::string help = ReportHelp(words);
    EXPECT_EQ(help.find("[OPTIONS]"), std::string::npos) << help;
    // -h is listed, in pylogen's words (CLI11's own: "Print this help message and exit").
    EXPECT_NE(help.find("-h,--help"), std::string::npos) << help;
    EXPECT_EQ(help.find("help message"), std::string::npos) << help;
    EXPECT_EQ(help.find("TEXT"), std::string::npos) << help;
    EXPECT_NE(help.find("Exit codes: 0 done, 1 an output could not be written, 2 bad input"),
              std::string::npos)
        << help;
    for (const std::string& line : Lines(help)) EXPECT_LE(line.size(), kHelpWidth) << line;
  }
  EXPECT_EQ(UsageLines(ReportHelp({"--help"})),
            (std::vector<std::string>{
                "pylogen report show A.json",
                "pylogen report merge A.json B.json ... [--report OUT] [--threshold EXPR ...]",
                "pylogen report show|merge --help"}));
  auto merge = ByName(ReportHelp({"merge", "--help"}));
  EXPECT_EQ(merge["--report"].type, "FILE");
  EXPECT_EQ(merge["--report"].default_text, "no report");
  EXPECT_EQ(merge["--threshold"].type, "EXPR");
  EXPECT_EQ(merge["--threshold"].default_text, "the inputs' thresholds");
  EXPECT_NE(ReportHelp({"show", "--help"}).find("\n  A.json "), std::string::npos);
}

}  // namespace
}  // namespace pylogen::cli
