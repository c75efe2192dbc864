// Options that do not apply: the table classifies every option, and each
// warning says the option, why and what happens instead; none for an option
// that applies, none for a defaults file's values.
#include "cli/applicability.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/build_plan.h"
#include "cli/options.h"
#include "cli/report_options.h"
#include "cli/scenario.h"

namespace pylogen::cli {
namespace {

using Args = std::vector<std::string>;

Args Warnings(const Args& args) {
  auto result = ParseCommandLine(args);
  EXPECT_TRUE(result.has_value()) << result.error().text;
  return result ? result->warnings : Args{};
}

bool Classified(const std::string& name) {
  auto scopes = OptionScopes();
  return std::any_of(scopes.begin(), scopes.end(),
                     [&name](const OptionScope& s) { return s.name == name; });
}

// A new option cannot be forgotten: every option of both command lines is in
// the table, and the table names nothing else.
TEST(Applicability, EveryOptionOfBothCommandLinesIsClassified) {
  Args cut = CutCommandLineOptionNames();
  Args scenario = ScenarioCommandLineOptionNames();
  ASSERT_GT(cut.size(), 30u);
  for (const Args& names : {cut, scenario}) {
    for (const std::string& name : names) EXPECT_TRUE(Classified(name)) << name << " is not classified";
  }
  for (const OptionScope& s : OptionScopes()) {
    std::string name(s.name);
    bool known = std::find(cut.begin(), cut.end(), name) != cut.end() ||
                 std::find(scenario.begin(), scenario.end(), name) != scenario.end();
    EXPECT_TRUE(known) << name << " is in the table but no command line has it";
  }
}

TEST(Applicability, ClosedModelOptionsInAnOpenedRun) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--open", "--sche", "10@2,2@1", "--duration", "3", "--proc", "4",
                      "--loops", "2", "--rampup", "1", "--pauseloop", "1", "--pauselen", "1"}),
            (Args{"--process applies to the closed model: ignored (the opened model's workers are set "
                  "by --prefork, --minworkers and --maxworkers)",
                  "--rampup applies to the closed model: ignored (the opened model's calls follow its "
                  "--schedule)",
                  "--duration applies to the closed model: ignored (the opened model runs for its "
                  "--schedule, 12 s)",
                  "--loops applies to the closed model: ignored (the opened model runs for its "
                  "--schedule, 12 s)",
                  "--pauseloop applies to the closed model: ignored (the opened model's calls follow "
                  "its --schedule)",
                  "--pauselen applies to the closed model: ignored (the opened model's calls follow "
                  "its --schedule)"}));
}

TEST(Applicability, OpenedModelOptionsInAClosedRun) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--schedule", "5@1", "--sche", "6@1", "--prefork", "1", "--jobs",
                      "1024", "--seed", "3"}),
            (Args{"--schedule applies to the opened model (--openedmodel): ignored",
                  "--prefork applies to the opened model (--openedmodel): ignored",
                  "--seed applies to the opened model (--openedmodel): ignored",
                  "--jobs applies to the opened model (--openedmodel): ignored"}));
}

// Said once however often it is given, in the order of --help.
TEST(Applicability, OneWarningPerOptionInTheTablesOrder) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--burst", "f2", "--schedule", "5@1", "--burst", "f3"}),
            (Args{"--schedule applies to the opened model (--openedmodel): ignored",
                  "--burst applies to the opened model (--openedmodel): ignored"}));
}

TEST(Applicability, NoWarningWhenAnOptionApplies) {
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--proc", "2", "--rampup", "1", "--loops", "3", "--pauseloop",
                        "1", "--pauselen", "1", "--postpone", "1", "--lengths", "1,2", "--id", "A",
                        "--extra", "{}", "--summary", "1", "--grace", "1", "--queue", "0",
                        "--outformat", "csv", "--concurrency", "1", "--optimeout", "1"})
                  .empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--duration", "2", "--loops", "0"}).size() == 1);
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--duration", "0", "--loops", "3"}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--open", "--schedule", "5@1", "--prefork", "2", "--trigger",
                        "1", "--controllerDelay", "1", "--decrease", "2", "--minworkers", "2",
                        "--maxworkers", "8", "--arrivals", "poisson", "--seed", "1", "--burst", "f2",
                        "--jobs", "1024", "--postpone", "1", "--lengths", "0", "--concurrency", "1"})
                  .empty());
  // --rampup spaces several runners, or the virtual users of one.
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--rampup", "1", "--concurrency", "4"}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--rampup", "0"}).empty());
}

TEST(Applicability, LoopsBesideADuration) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--duration", "10", "--loops", "3", "--loops", "4"}),
            Args{"--loops is ignored: --duration 10 s is given and wins over --loops"});
}

TEST(Applicability, RampupWithOneRunner) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--rampup", "5"}),
            Args{"--rampup spaces the runners' starts: ignored with one runner (--process 1)"});
}

// --seed feeds poisson arrivals and random bursts only.
TEST(Applicability, SeedWithNothingRandom) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--open", "--seed", "7"}),
            Args{"--seed is used by --arrivals poisson and random bursts (--burst 0 or N): ignored "
                 "with uniform arrivals and --burst 1"});
  EXPECT_EQ(Warnings({"cuts/Dummy", "--open", "--seed", "7", "--burst", "f3"}).size(), 1u);
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--open", "--seed", "7", "--burst", "0"}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--open", "--seed", "7", "--burst", "5"}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--open", "--seed", "7", "--arrivals", "poisson"}).empty());
}

// The opened driver preforks max(--prefork, --minworkers).
TEST(Applicability, PreforkBelowMinworkers) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--open", "--prefork", "2", "--minworkers", "4"}),
            Args{"--prefork 2 is below --minworkers 4: 4 workers are started before the first event"});
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--open", "--minworkers", "20"}).empty());  // --prefork not given
}

TEST(Applicability, PylogenCompatibilityOptionsHaveNoEffectInEitherModel) {
  for (const char* model : {"--loops", "--openedmodel"}) {
    Args args{"cuts/Dummy", "--generatorDelay", "1", "--workerDelay", "2"};
    if (std::string(model) == "--loops") {
      args.insert(args.end(), {"--loops", "1"});
    } else {
      args.push_back(model);
    }
    EXPECT_EQ(Warnings(args),
              (Args{"--generatorDelay has no effect (accepted for Pylogen compatibility): ignored",
                    "--workerDelay has no effect (accepted for Pylogen compatibility): ignored"}))
        << model;
  }
}

TEST(Applicability, OutputWithOutformatNone) {
  EXPECT_EQ(Warnings({"cuts/Dummy", "--outformat", "none", "--output", "o.txt"}),
            Args{"--output o.txt is left empty: --outformat none writes no event line"});
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--outformat", "csv", "--output", "o.txt"}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--outformat", "none"}).empty());
}

class ApplicabilityFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pylogen-applicability-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

// A defaults file may serve both models: its values are not warned about,
// but its "openedmodel" decides what the command line's options apply to.
TEST_F(ApplicabilityFiles, ADefaultsFilesValuesAreNotWarnedAbout) {
  std::string both = Write("both.json", R"({"schedule": "5@1", "process": 2, "duration": 3,
                                             "loops": 4, "seed": 1, "generatorDelay": 1})");
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--defaults", both}).empty());
  EXPECT_TRUE(Warnings({"cuts/Dummy", "--defaults", both, "--openedmodel"}).empty());
  std::string opened = Write("opened.json", R"({"openedmodel": true, "schedule": "4@1"})");
  EXPECT_EQ(Warnings({"cuts/Dummy", "--defaults", opened, "--proc", "3"}),
            Args{"--process applies to the closed model: ignored (the opened model's workers are set "
                 "by --prefork, --minworkers and --maxworkers)"});
  // The --duration in force is the file's: --loops beside it is warned about.
  EXPECT_EQ(Warnings({"cuts/Dummy", "--defaults", both, "--loops", "9"}),
            Args{"--loops is ignored: --duration 3 s is given and wins over --loops"});
}

TEST_F(ApplicabilityFiles, AScenarioLinesWarningsNameTheirLine) {
  std::string file = Write("s.txt",
                           "cuts.Dummy --proc 2 --loops 1\n"
                           "# comment\n"
                           "cuts.Dummy --open --sche 4@1 --proc 3 --duration 9 --proc 4\n");
  auto o = ParseCommandLine({"scenario", "--file", file, "--outformat", "none", "--output",
                             (dir_ / "o.txt").string()});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->warnings,
            (Args{file + ":3: --process applies to the closed model: ignored (the opened model's "
                         "workers are set by --prefork, --minworkers and --maxworkers)",
                  file + ":3: --duration applies to the closed model: ignored (the opened model "
                         "runs for its --schedule, 4 s)",
                  "--output " + (dir_ / "o.txt").string() +
                      " is left empty: --outformat none writes no event line"}));
}

TEST_F(ApplicabilityFiles, AScenariosJobsWithoutAnOpenedLoad) {
  std::string closed = Write("c.txt", "cuts.Dummy --loops 1\n");
  auto o = ParseCommandLine({"scenario", "--file", closed, "--jobs", "1024"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->warnings,
            Args{"--jobs sizes the opened model's jobs queue: ignored (no load of the scenario is opened)"});
  std::string mixed = Write("m.txt", "cuts.Dummy --loops 1\ncuts.Dummy --open --sche 1@1\n");
  auto m = ParseCommandLine({"scenario", "--file", mixed, "--jobs", "1024"});
  ASSERT_TRUE(m.has_value()) << m.error().text;
  EXPECT_TRUE(m->warnings.empty());
}

class Blocking : public ClassUnderTest {
 public:
  void func() override {}
};
class Evented : public EventClassUnderTest {
 public:
  void start(Operation&) override {}
};
const CutDescriptor kBlocking = detail::DescriptorOf<Blocking>("Blocking");
const CutDescriptor kEvented = detail::DescriptorOf<Evented>("Evented");

// --optimeout times out event-driven operations only: the CUT's kind,
// known once it is loaded, decides (a plan warning).
TEST(Applicability, OptimeoutWithABlockingCut) {
  auto options = ParseCommandLine({"cuts/Blocking", "--optimeout", "5"});
  ASSERT_TRUE(options.has_value());
  EXPECT_TRUE(options->warnings.empty());
  auto blocking = BuildPlan(*options, {CutRef{&kBlocking, "Blocking", "/x/Blocking.so"}});
  ASSERT_TRUE(blocking.has_value()) << blocking.error();
  EXPECT_EQ(blocking->warnings,
            Args{"--optimeout applies to event-driven CUTs: ignored (Blocking is a blocking CUT, its "
                 "calls are never timed out)"});
  auto evented = BuildPlan(*options, {CutRef{&kEvented, "Evented", "/x/Evented.so"}});
  ASSERT_TRUE(evented.has_value()) << evented.error();
  EXPECT_TRUE(evented->warnings.empty());
  auto not_given = ParseCommandLine({"cuts/Blocking"});
  auto quiet = BuildPlan(*not_given, {CutRef{&kBlocking, "Blocking", "/x/Blocking.so"}});
  ASSERT_TRUE(quiet.has_value());
  EXPECT_TRUE(quiet->warnings.empty());
}

TEST_F(ApplicabilityFiles, AScenarioLinesPlanWarningNamesItsLine) {
  std::string file = Write("p.txt", "cuts.Blocking --loops 1\ncuts.Blocking --optimeout 5\n");
  auto options = ParseCommandLine({"scenario", "--file", file});
  ASSERT_TRUE(options.has_value()) << options.error().text;
  CutRef ref{&kBlocking, "Blocking", "/x/Blocking.so"};
  auto plan = BuildPlan(*options, {ref, ref});
  ASSERT_TRUE(plan.has_value()) << plan.error();
  EXPECT_EQ(plan->warnings,
            Args{file + ":2: --optimeout applies to event-driven CUTs: ignored (Blocking is a blocking "
                        "CUT, its calls are never timed out)"});
}

}  // namespace
}  // namespace pylogen::cli

namespace pylogen::cli {
namespace {

// report show given report merge's options: warned about, then shown.
TEST(Applicability, MergeOnlyOptionsOfReportShow) {
  auto o = ParseReportCommandLine({"report", "show", "--rep", "x.json", "a.json", "--threshold=p99<5ms",
                                   "--threshold", "errors==0", "--report", "y"});
  ASSERT_TRUE(o.has_value()) << o.error().text;
  EXPECT_EQ(o->files, Args{"a.json"});
  EXPECT_TRUE(o->report.empty());
  EXPECT_TRUE(o->thresholds.empty());
  EXPECT_EQ(o->warnings,
            (Args{"--report applies to report merge: ignored (report show prints the summary again, "
                  "nothing else)",
                  "--threshold applies to report merge: ignored (report show prints the summary "
                  "again, nothing else)"}));
  auto plain = ParseReportCommandLine({"report", "show", "a.json"});
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->warnings.empty());
  auto merge = ParseReportCommandLine({"report", "merge", "a.json", "--report", "m.json"});
  ASSERT_TRUE(merge.has_value());
  EXPECT_TRUE(merge->warnings.empty());
}

}  // namespace
}  // namespace pylogen::cli
