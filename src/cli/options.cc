#include "cli/options.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/applicability.h"
#include "cli/defaults.h"
#include "cli/fields.h"
#include "cli/help_format.h"
#include "cli/prefix.h"
#include "cli/scenario.h"
#include "schedule/arrivals.h"
#include "util/excerpt.h"

namespace pylogen::cli {
namespace {

// Default texts come from plan/defaults.h: what --help shows is what the
// plan gets.
template <class T>
std::string Text(T value) {
  return fmt::format("{}", value);
}

// Pylogen's own options: an ambiguous prefix that was unique in Pylogen
// keeps its Pylogen meaning (its samples use --out for --outformat).
const std::vector<std::string> kPylogenOptions = {
    "process", "postpone", "rampup", "duration", "loops", "lengths", "extra", "pauseloop",
    "pauselen", "summary", "outformat", "id", "file", "defaults", "openedmodel", "schedule",
    "controllerDelay", "generatorDelay", "trigger", "prefork", "decrease", "burst"};

constexpr const char* kDescription =
    "pylogen: a multi-process load injector. It loads a CUT (class under test, a C++ plugin), "
    "forks processes that call it, prints one line per call, then a summary with percentiles.\n"
    "Closed model: --process runners loop over the CUT. Opened model (--openedmodel): a generator "
    "emits events on a --schedule, workers take them. DURATION: seconds (10, 0.5) or a number "
    "with a unit (500ms, 2m, 1h). Long options take any unique prefix (--proc, --dur).";

const std::vector<std::string> kUsage = {
    "pylogen CUT [options]", "pylogen scenario --file FILE [run options]",
    "pylogen report show A.json",
    "pylogen report merge A.json B.json ... [--report OUT] [--threshold EXPR ...]"};

constexpr const char* kFooter =
    "Exit codes:\n"
    "  0    the run completed               3    a worker crashed, failed or was killed\n"
    "  1    the run failed (the reader      99   the run completed, but a --threshold was broken\n"
    "       died, an output write error)    130  interrupted (SIGINT, SIGTERM)\n"
    "  2    bad input, nothing started      141  the output pipe was closed\n"
    "\n"
    "Examples:\n"
    "  pylogen cuts/Dummy --process 4 --duration 10 --extra '{\"sleep\": 0.5}'\n"
    "  pylogen cuts/Dummy --openedmodel --schedule 10@5,20@5-50 --outformat csv --output e.csv";

constexpr const char* kThresholdHelp =
    "Pass/fail objective, repeatable: [service:|wait:]METRIC[(NAME)] OP VALUE; METRIC pN, "
    "mean, min, max, count, errors, rate or dropped; e.g. p99<50ms, errors<1%; one broken: exit "
    "99";

constexpr const char* kRunGroup = "Run";
constexpr const char* kClosedGroup = "Closed model";
constexpr const char* kOpenedGroup = "Opened model";
constexpr const char* kOutputGroup = "Output";

// An option of one value with its help: value type, description, default
// (or what happens when it is absent), group.
CLI::Option* Value(CLI::App& app, const std::string& name, const std::string& type,
                   const std::string& description, const std::string& default_text,
                   const char* group) {
  return Describe(AddValueOption(app, name, description), type, default_text)->group(group);
}

void AddOpenedOptions(CLI::App& app, bool& opened) {
  const char* g = kOpenedGroup;
  Describe(app.add_flag("--openedmodel", opened,
                        "Generator emits events on --schedule, workers take them"),
           "", "off")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->group(g);
  Value(app, "--schedule", "SCHEDULE",
        "DURATION@RATE,...; RATE a number, R1-R2 (ramp), sawtooth(P,A), triangle(P,A), "
        "staircase(S,I[,M]), invstaircase(...), bursts(I,D,R), sine(M,A,P), matrix(FILE)",
        plan::kDefaultSchedule, g);
  Value(app, "--prefork", "N", "Workers ready before events start",
        fmt::format("{}, at most --maxworkers", plan::kDefaultPrefork), g);
  Value(app, "--trigger", "N", "Backlog above which the controller adds workers",
        Text(plan::kDefaultTrigger), g);
  Value(app, "--controllerDelay", "DURATION", "Period of the controller's checks",
        Text(plan::kDefaultControllerDelayS), g);
  Value(app, "--decrease", "N", "Empty-backlog checks before an idle worker retires",
        Text(plan::kDefaultDecrease), g);
  Value(app, "--minworkers", "N", "Fewest workers the controller keeps",
        Text(plan::kDefaultMinWorkers), g);
  Value(app, "--maxworkers", "N",
        "Most workers alive at once (at most 100000)",
        Text(plan::kDefaultMaxWorkers), g);
  Value(app, "--arrivals", "MODE", "Spacing of events: uniform or poisson", plan::kDefaultArrivals,
        g);
  Value(app, "--seed", "N", "Seed of poisson arrivals and random bursts", "drawn, reported",
        g);
  Value(app, "--burst", "BURST",
        "1 none; 0 random sizes up to the rate; n random up to n; fN always N. A burst of n "
        "skips the n-1 next due instants",
        plan::kDefaultBurst, g);
  Value(app, "--jobs", "N",
        "Capacity of the jobs queue, a power of two; an event finding it full is dropped and "
        "counted",
        Text(plan::kDefaultJobs), g);
  Value(app, "--generatorDelay", "DURATION", "Accepted for Pylogen compatibility; no effect",
        "none", g);
  Value(app, "--workerDelay", "DURATION", "Accepted for Pylogen compatibility; no effect", "none",
        g);
}

// Options of the run and of every load, whatever its model.
void AddRunOptions(CLI::App& app, int& verbosity) {
  const char* g = kRunGroup;
  Describe(AddValueOption(app, "action",
                          "cuts/Dummy, cuts.Dummy or a path to a .so; searched in the current "
                          "directory, $PYLOGEN_CUT_PATH, then pylogen's own cut folders"),
           "CUT", "")
      ->required();
  Describe(app.add_flag("-v", verbosity, "Stderr: -v warnings, -vv info, -vvv debug"),
           "", "errors only")
      ->group(g);
  Value(app, "--id", "NAME", "Name of the load, first part of full ids", "the CUT's name",
        g);
  Value(app, "--postpone", "DURATION", "Delay before the load's first process starts", "0", g);
  Value(app, "--lengths,--steps", "LIST",
        fmt::format("Values the CUT sees in turn, one per call; {} at most", kMaxLoadLengths),
        "0", g);
  Value(app, "--extra", "JSON",
        fmt::format("The CUT's parameters, a JSON object <= {} levels deep", kMaxExtraDepth),
        "{}", g);
  Value(app, "--concurrency", "N",
        "Calls in flight per process, event-driven CUTs only: closed, virtual users per runner; "
        "opened, events per worker at once",
        Text(plan::kDefaultConcurrency), g);
  Value(app, "--optimeout", "DURATION",
        "An event-driven call open this long fails with rc 17",
        Text(plan::kDefaultOptimeoutS), g);
  Value(app, "--grace", "DURATION",
        "At a stop or the end of --duration, how long calls in flight may take before their "
        "process is killed",
        Text(plan::kDefaultGraceS), g);
  Value(app, "--queue", "N",
        "Records per process in the shared-memory queue, a power of two; 0 sizes it from "
        "--concurrency",
        "0", g);
  Value(app, "--threshold", "EXPR", kThresholdHelp, "none", g);
  Value(app, "--defaults", "FILE",
        "JSON object of option values", "./defaults.json if present",
        g);
}

void AddClosedOptions(CLI::App& app) {
  const char* g = kClosedGroup;
  Value(app, "--process", "N", "Runner processes", Text(plan::kDefaultProcesses), g);
  Value(app, "--rampup", "DURATION", "Delay between two runner starts", "0", g);
  Value(app, "--duration", "DURATION", "Run time of each runner; above 0 it wins over --loops",
        "0", g);
  Value(app, "--loops", "N", "Loops per runner when --duration is 0", Text(plan::kDefaultLoops),
        g);
  Value(app, "--pauseloop", "DURATION", "Pause after each loop", "0", g);
  Value(app, "--pauselen,--pausestep", "DURATION", "Pause after each length", "0", g);
}

void AddOutputOptions(CLI::App& app) {
  const char* g = kOutputGroup;
  Value(app, "--outformat", "FORMAT",
        "Event lines: short, csv, long, json, jtl, none",
        "short", g);
  Value(app, "--output", "FILE", "Write event lines to FILE", "stdout", g);
  Value(app, "--report", "FILE", "Write the final summary as JSON to FILE", "no report", g);
  Value(app, "--summary", "DURATION", "Interval of throughput computations, at least 1ms",
        Text(plan::kDefaultSummaryS), g);
}

// Every option, in the order --help shows them (its groups: Run, Closed
// model, Opened model, Output).
void AddOptions(CLI::App& app, bool& opened, int& verbosity) {
  UseHelpFormat(app, kUsage, kRunGroup);
  app.footer(kFooter);
  AddRunOptions(app, verbosity);
  AddClosedOptions(app);
  AddOpenedOptions(app, opened);
  AddOutputOptions(app);
  app.set_version_flag("--version", PYLOGEN_VERSION, "Print the version and exit")->group(kRunGroup);
}

// The cross-checks, once every value is stored. The opened model's are made
// whatever the model.
std::expected<void, std::string> CrossCheck(FieldTarget& target) {
  LoadOptions& o = target.run.load;
  // --prefork defaults to kDefaultPrefork, or fewer when --maxworkers is smaller.
  if (!target.prefork_given) o.prefork = std::min(plan::kDefaultPrefork, o.max_workers);
  if (o.min_workers > o.max_workers) {
    return std::unexpected(fmt::format("--minworkers {} is above --maxworkers {}", o.min_workers, o.max_workers));
  }
  if (o.prefork > o.max_workers) {
    return std::unexpected(fmt::format("--prefork {} is above --maxworkers {}", o.prefork, o.max_workers));
  }
  // A fixed burst above the events of every segment; each grammar alone was
  // checked with its value. Closed loads ignore both (and are warned).
  if (o.opened) {
    if (auto both = schedule::ParseScheduleWithBurst(o.schedule, o.burst); !both) {
      return std::unexpected(both.error());
    }
  }
  return {};
}

// Options a defaults file may not set.
const std::vector<std::string> kNotInDefaults = {"defaults", "version", "help", "threshold"};

// Stores the values of defaults file `path` (the flag --openedmodel into
// `opened`). For a scenario line, a run-level key is refused (RefuseRunKeys).
std::expected<void, std::string> ApplyDefaultsFile(const CLI::App& app, const std::string& path,
                                                   bool implicit, FieldTarget& target,
                                                   bool& opened, LineOrigin origin) {
  auto defaults = ReadDefaults(path, implicit);
  if (!defaults) return std::unexpected(defaults.error());
  if (origin == LineOrigin::kScenarioLine) {
    if (auto refused = RefuseRunKeys(*defaults, path); !refused) return refused;
  }
  auto values = DefaultsToValues(app, *defaults, path, kNotInDefaults);
  if (!values) return std::unexpected(values.error());
  target.run.load.defaults_file = path;
  for (const DefaultValue& value : *values) {
    if (value.option->get_expected_max() == 0) {  // a flag: only --openedmodel may be set
      opened = value.text == "true";
      continue;
    }
    auto set = SetField(value.option->get_name(), value.label, value.text, target);
    if (!set) return set;
  }
  return {};
}

// The defaults in force, stored before the command line's values: the last
// --defaults, else `inherited` (a scenario's), else ./defaults.json when
// something has that name. Every --defaults given is read and checked; only
// the last one's values are kept.
std::expected<void, std::string> ApplyDefaults(const CLI::App& app, const std::string& inherited,
                                               FieldTarget& target, bool& opened,
                                               LineOrigin origin) {
  const std::vector<std::string>& given = app.get_option("--defaults")->results();
  for (std::size_t i = 0; i + 1 < given.size(); ++i) {
    RunOptions scratch;
    FieldTarget check{scratch};
    bool ignored = false;
    if (auto set = SetField("--defaults", "--defaults", given[i], check); !set) return set;
    if (auto ok = ApplyDefaultsFile(app, given[i], false, check, ignored, origin); !ok) return ok;
  }
  if (!given.empty()) {
    if (auto set = SetField("--defaults", "--defaults", given.back(), target); !set) return set;
    return ApplyDefaultsFile(app, given.back(), false, target, opened, origin);
  }
  if (!inherited.empty()) return ApplyDefaultsFile(app, inherited, false, target, opened, origin);
  std::error_code ec;
  if (std::filesystem::symlink_status(kImplicitDefaults, ec).type() ==
      std::filesystem::file_type::not_found) {
    return {};
  }
  return ApplyDefaultsFile(app, kImplicitDefaults, true, target, opened, origin);
}

// The total of (load, length) pairs, refused above kMaxLoadLengths.
std::expected<void, std::string> CheckLoadLengths(const RunOptions& options) {
  std::size_t pairs = 0;
  for (const LoadOptions& load : LoadsOf(options)) pairs += load.lengths.size();
  if (pairs <= kMaxLoadLengths) return {};
  return std::unexpected(fmt::format(
      "--lengths: {} values over the run's loads, above the limit of {} (the reader keeps "
      "latency histograms per load and length): give fewer --lengths values or fewer loads",
      pairs, kMaxLoadLengths));
}

}  // namespace

std::expected<RunOptions, ParseStop> ParseCommandLine(const std::vector<std::string>& args) {
  auto options = !args.empty() && args[0] == "scenario" ? ParseScenarioCommandLine(args)
                                                        : ParseCutCommandLine(args);
  if (!options) return options;
  if (auto checked = CheckLoadLengths(*options); !checked) {
    return std::unexpected(ParseStop{2, checked.error()});
  }
  return options;
}

std::vector<LoadOptions> LoadsOf(const RunOptions& options) {
  if (options.scenario.empty()) return {options.load};
  std::vector<LoadOptions> loads;
  for (const ScenarioLine& line : options.scenario) loads.push_back(line.load);
  return loads;
}

std::expected<RunOptions, ParseStop> ParseCutCommandLine(const std::vector<std::string>& args,
                                                         const std::string& inherited_defaults,
                                                         LineOrigin origin) {
  RunOptions options;
  bool opened_flag = false;
  CLI::App app(kDescription, "pylogen");
  app.allow_extras();  // said in one line below, not as CLI11's list of them all
  AddOptions(app, opened_flag, options.verbosity);

  auto expanded = ExpandPrefixes(args, LongOptionNames(app), kPylogenOptions);
  if (!expanded) return std::unexpected(ParseStop{2, expanded.error()});
  if (origin == LineOrigin::kScenarioLine) {
    // Before CLI11 sees the words: a run option is said as such, even one
    // this version does not have yet, and even with a bad value.
    if (auto refused = RefuseRunOptions(*expanded); !refused) {
      return std::unexpected(ParseStop{2, refused.error()});
    }
  }
  try {
    app.parse(std::vector<std::string>(expanded->rbegin(), expanded->rend()));
  } catch (const CLI::CallForHelp&) {
    return std::unexpected(ParseStop{0, app.help()});
  } catch (const CLI::CallForVersion&) {
    return std::unexpected(ParseStop{0, std::string("pylogen ") + PYLOGEN_VERSION + "\n"});
  } catch (const CLI::RequiredError& e) {
    if (app.get_option("action")->count() == 0) {
      return std::unexpected(ParseStop{2, "no CUT given: expected pylogen CUT [options], e.g. pylogen cuts/Dummy --proc 4"});
    }
    return std::unexpected(ParseStop{2, util::Excerpt(e.what(), 200)});
  } catch (const CLI::ArgumentMismatch& e) {
    return std::unexpected(ParseStop{2, MissingValue(e.what())});
  } catch (const CLI::ParseError& e) {
    return std::unexpected(ParseStop{2, util::Excerpt(e.what(), 200)});
  }
  if (!app.remaining().empty()) {
    return std::unexpected(ParseStop{2, UnexpectedArguments(app.remaining(), "pylogen CUT [options]", LongOptionNames(app))});
  }
  FieldTarget target{options};
  bool defaults_opened = false;
  // The defaults file first: the command line's values override it.
  if (auto applied = ApplyDefaults(app, inherited_defaults, target, defaults_opened, origin);
      !applied) {
    return std::unexpected(ParseStop{2, applied.error()});
  }
  if (auto set = SetGivenFields(app, target); !set) return std::unexpected(ParseStop{2, set.error()});
  options.load.opened = app.get_option("--openedmodel")->count() > 0 ? opened_flag : defaults_opened;
  if (auto checked = CrossCheck(target); !checked) {
    return std::unexpected(ParseStop{2, checked.error()});
  }
  options.load.given = GivenOptions(app);
  options.warnings = LoadWarnings(options);
  return options;
}

std::vector<std::string> CutCommandLineOptionNames() {
  CLI::App app;
  bool opened = false;
  int verbosity = 0;
  AddOptions(app, opened, verbosity);
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) names.push_back(option->get_name());
  return names;
}

}  // namespace pylogen::cli
