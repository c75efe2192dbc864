#include "cli/options.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/applicability.h"
#include "cli/defaults.h"
#include "cli/fields.h"
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
    "pylogen: a multi-process load injector.\n"
    "Loads a CUT (class under test, a C++ plugin) and forks processes that call it,\n"
    "measure every call and report one line per event, then a summary with\n"
    "percentiles and high-water marks.\n\n"
    "Closed model: --process runners each loop over the CUT for --duration seconds\n"
    "(or --loops loops), one operation per value of --lengths.\n"
    "Durations take seconds (10, 0.5) or units (500ms, 2m, 1h). Long options may be\n"
    "abbreviated to any unique prefix (--proc, --dur).\n"
    "Reports of runs made: pylogen report show|merge (see pylogen report --help).";

constexpr const char* kThresholdHelp =
    "A pass/fail objective of the run, repeatable: [service:|wait:]METRIC[(NAME)] OP VALUE, "
    "METRIC pN, mean, min, max (VALUE with ns, us, ms, s or m), count, errors (N or N%), rate, "
    "dropped; e.g. p99<50ms, errors<1%. Any broken: exit code 99";

constexpr const char* kOpenedGroup = "Opened model";

void AddOpenedOptions(CLI::App& app, bool& opened) {
  const char* group = kOpenedGroup;
  app.add_flag("--openedmodel", opened,
               "Use the opened model: a generator emits events on --schedule, workers take them")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
      ->group(group);
  AddValueOption(app, "--schedule",
      "Arrival schedule: comma-separated DURATION@RATE segments; RATE is a number, "
      "R1-R2 (ramp), sawtooth(P,A), triangle(P,A), staircase(S,I[,M]), "
      "invstaircase(...), bursts(I,D,R), sine(M,A,P) or matrix(FILE)",
      plan::kDefaultSchedule)->group(group);
  AddValueOption(app, "--prefork",
      fmt::format("Workers started and ready before the first event [{}, at most --maxworkers]",
                  plan::kDefaultPrefork))->group(group);
  AddValueOption(app, "--trigger", "Backlog above which the controller adds a worker",
      Text(plan::kDefaultTrigger))->group(group);
  AddValueOption(app, "--controllerDelay", "Period of the controller's checks (duration)",
      Text(plan::kDefaultControllerDelayS))->group(group);
  AddValueOption(app, "--decrease", "Consecutive empty-backlog checks before an idle worker retires",
      Text(plan::kDefaultDecrease))->group(group);
  AddValueOption(app, "--minworkers", "Fewest workers the controller keeps",
      Text(plan::kDefaultMinWorkers))->group(group);
  AddValueOption(app, "--maxworkers", "Most workers the controller starts",
      Text(plan::kDefaultMaxWorkers))->group(group);
  AddValueOption(app, "--arrivals", "Spacing of events: uniform or poisson", plan::kDefaultArrivals)
      ->group(group);
  AddValueOption(app, "--seed", "Seed of --arrivals poisson and --burst [drawn, reported]")->group(group);
  AddValueOption(app, "--burst",
      "1: no burst; 0: bursts of random size up to the rate; n: random up to n; "
      "fN: always N. After a burst of n, the n-1 next due instants are skipped",
      plan::kDefaultBurst)->group(group);
  AddValueOption(app, "--jobs",
      "Capacity of the jobs queue (events, a power of two); an event that finds it "
      "full is dropped and counted",
      Text(plan::kDefaultJobs))->group(group);
  AddValueOption(app, "--generatorDelay", "Accepted for Pylogen compatibility; has no effect")->group(group);
  AddValueOption(app, "--workerDelay", "Accepted for Pylogen compatibility; has no effect")->group(group);
}

void AddOptions(CLI::App& app, bool& opened, int& verbosity) {
  AddValueOption(app, "action",
      "CUT to load: cuts/Dummy, cuts.Dummy or a path to a .so; searched in the "
      "current directory, $PYLOGEN_CUT_PATH, then pylogen's own cut folders")
      ->required();
  app.add_flag("-v", verbosity, "Verbosity on stderr: -v warnings, -vv info, -vvv debug");
  AddValueOption(app, "--id", "Name of this load, first part of every full id [CUT name]");
  AddValueOption(app, "--process", "Closed model: number of runner processes", Text(plan::kDefaultProcesses));
  AddValueOption(app, "--postpone", "Delay before the first runner starts (duration)", "0");
  AddValueOption(app, "--rampup", "Delay between two runner starts (duration)", "0");
  AddValueOption(app, "--duration", "Run time of each runner; wins over --loops when > 0 (duration)", "0");
  AddValueOption(app, "--loops", "Loops per runner when no --duration is given", Text(plan::kDefaultLoops));
  AddValueOption(app, "--lengths,--steps",
      fmt::format("Comma-separated values iterated inside one loop; the CUT sees the current "
                  "one (at most {} in a run, over all its loads)",
                  kMaxLoadLengths),
      "0");
  AddValueOption(app, "--pauseloop", "Pause after each loop (duration)", "0");
  AddValueOption(app, "--pauselen,--pausestep", "Pause after each length (duration)", "0");
  AddValueOption(app, "--extra",
      fmt::format("Parameters for the CUT, a JSON object (at most {} levels deep)", kMaxExtraDepth),
      "{}");
  AddValueOption(app, "--concurrency",
      "Operations in flight per process, for an event-driven CUT: closed, each "
      "runner process holds this many virtual users; opened, each worker takes up "
      "to this many events at once. A blocking CUT takes 1",
      Text(plan::kDefaultConcurrency));
  AddValueOption(app, "--optimeout",
      "An event-driven operation still open after this long fails with rc 17 and "
      "frees its place (duration)",
      Text(plan::kDefaultOptimeoutS));
  AddValueOption(app, "--summary", "Interval of throughput computations (duration, at least 1ms)",
      Text(plan::kDefaultSummaryS));
  AddValueOption(app, "--outformat",
      "Event line format: short, csv, long, json, jtl or none (an unknown name "
      "falls back to long)",
      "short");
  AddValueOption(app, "--output", "Write event lines to this file instead of stdout");
  AddValueOption(app, "--report", "Write the final summary as JSON to this file");
  AddValueOption(app, "--queue",
      "Records per worker in the shared-memory queue, a power of two; 0 sizes it "
      "automatically. Producers wait when it is full (reported in the summary)",
      "0");
  AddValueOption(app, "--grace",
      "After a stop request or the end of --duration, how long calls in flight "
      "may take before their runner is killed (duration)",
      Text(plan::kDefaultGraceS));
  AddValueOption(app, "--threshold", kThresholdHelp);
  AddValueOption(app, "--defaults",
      "JSON object of option values overriding the built-in defaults; the command "
      "line overrides it [defaults.json in the current directory, when present]");
  AddOpenedOptions(app, opened);
  app.set_version_flag("--version", PYLOGEN_VERSION);
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
  app.get_formatter()->column_width(28);
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
