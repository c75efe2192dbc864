#include "cli/options.h"

#include <algorithm>
#include <filesystem>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/defaults.h"
#include "cli/prefix.h"
#include "cli/scenario.h"
#include "cli/values.h"

namespace pylogen::cli {
namespace {

// Raw option texts: CLI11 collects them, values.h validates them so that each
// error names the option and what was expected.
// Default texts come from plan/defaults.h: what --help shows is what the
// plan gets.
template <class T>
std::string Text(T value) {
  return fmt::format("{}", value);
}

struct RawOptions {
  std::string process = Text(plan::kDefaultProcesses), postpone = "0", rampup = "0",
              duration = "0", loops = Text(plan::kDefaultLoops), lengths = "0", pauseloop = "0",
              pauselen = "0", summary = Text(plan::kDefaultSummaryS), queue = "0",
              grace = Text(plan::kDefaultGraceS), prefork, trigger = Text(plan::kDefaultTrigger),
              controller_delay = Text(plan::kDefaultControllerDelayS),
              decrease = Text(plan::kDefaultDecrease), min_workers = Text(plan::kDefaultMinWorkers),
              max_workers = Text(plan::kDefaultMaxWorkers), seed,
              jobs = Text(plan::kDefaultJobs),
              concurrency = Text(plan::kDefaultConcurrency),
              optimeout = Text(plan::kDefaultOptimeoutS), generator_delay, worker_delay, defaults;
};

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
    "abbreviated to any unique prefix (--proc, --dur).";

void AddOpenedOptions(CLI::App& app, RunOptions& o, RawOptions& raw) {
  const char* group = "Opened model";
  app.add_flag("--openedmodel", o.load.opened,
               "Use the opened model: a generator emits events on --schedule, workers take them")
      ->group(group);
  app.add_option("--schedule", o.load.schedule,
                 "Arrival schedule: comma-separated DURATION@RATE segments; RATE is a number, "
                 "R1-R2 (ramp), sawtooth(P,A), triangle(P,A), staircase(S,I[,M]), "
                 "invstaircase(...), bursts(I,D,R), sine(M,A,P) or matrix(FILE)")
      ->capture_default_str()->group(group);
  app.add_option("--prefork", raw.prefork,
                 fmt::format("Workers started and ready before the first event [{}, at most "
                             "--maxworkers]",
                             plan::kDefaultPrefork))
      ->group(group);
  app.add_option("--trigger", raw.trigger, "Backlog above which the controller adds a worker")
      ->capture_default_str()->group(group);
  app.add_option("--controllerDelay", raw.controller_delay,
                 "Period of the controller's checks (duration)")
      ->capture_default_str()->group(group);
  app.add_option("--decrease", raw.decrease,
                 "Consecutive empty-backlog checks before an idle worker retires")
      ->capture_default_str()->group(group);
  app.add_option("--minworkers", raw.min_workers, "Fewest workers the controller keeps")
      ->capture_default_str()->group(group);
  app.add_option("--maxworkers", raw.max_workers, "Most workers the controller starts")
      ->capture_default_str()->group(group);
  app.add_option("--arrivals", o.load.arrivals, "Spacing of events: uniform or poisson")
      ->capture_default_str()->group(group);
  app.add_option("--seed", raw.seed, "Seed of --arrivals poisson and --burst [drawn, reported]")
      ->group(group);
  app.add_option("--burst", o.load.burst,
                 "1: no burst; 0: bursts of random size up to the rate; n: random up to n; "
                 "fN: always N. After a burst of n, the n-1 next due instants are skipped")
      ->capture_default_str()->group(group);
  app.add_option("--jobs", raw.jobs,
                 "Capacity of the jobs queue (events, a power of two); an event that finds it "
                 "full is dropped and counted")
      ->capture_default_str()->group(group);
  app.add_option("--generatorDelay", raw.generator_delay,
                 "Accepted for Pylogen compatibility; has no effect")->group(group);
  app.add_option("--workerDelay", raw.worker_delay,
                 "Accepted for Pylogen compatibility; has no effect")->group(group);
}

void AddOptions(CLI::App& app, RunOptions& o, RawOptions& raw) {
  app.add_option("action", o.load.cut,
                 "CUT to load: cuts/Dummy, cuts.Dummy or a path to a .so; searched in the "
                 "current directory, $PYLOGEN_CUT_PATH, then pylogen's own cut folders")
      ->required();
  app.add_flag("-v", o.verbosity, "Verbosity on stderr: -v warnings, -vv info, -vvv debug");
  app.add_option("--id", o.load.id, "Name of this load, first part of every full id [CUT name]");
  app.add_option("--process", raw.process, "Closed model: number of runner processes")
      ->capture_default_str();
  app.add_option("--postpone", raw.postpone, "Delay before the first runner starts (duration)")
      ->capture_default_str();
  app.add_option("--rampup", raw.rampup, "Delay between two runner starts (duration)")
      ->capture_default_str();
  app.add_option("--duration", raw.duration,
                 "Run time of each runner; wins over --loops when > 0 (duration)")
      ->capture_default_str();
  app.add_option("--loops", raw.loops, "Loops per runner when no --duration is given")
      ->capture_default_str();
  app.add_option("--lengths,--steps", raw.lengths,
                 "Comma-separated values iterated inside one loop; the CUT sees the current one")
      ->capture_default_str();
  app.add_option("--pauseloop", raw.pauseloop, "Pause after each loop (duration)")
      ->capture_default_str();
  app.add_option("--pauselen,--pausestep", raw.pauselen, "Pause after each length (duration)")
      ->capture_default_str();
  app.add_option("--extra", o.load.extra, "Parameters for the CUT, a JSON object")
      ->capture_default_str();
  app.add_option("--concurrency", raw.concurrency,
                 "Operations in flight per process, for an event-driven CUT: closed, each "
                 "runner process holds this many virtual users; opened, each worker takes up "
                 "to this many events at once. A blocking CUT takes 1")
      ->capture_default_str();
  app.add_option("--optimeout", raw.optimeout,
                 "An event-driven operation still open after this long fails with rc 17 and "
                 "frees its place (duration)")
      ->capture_default_str();
  app.add_option("--summary", raw.summary,
                 "Interval of throughput computations (duration, at least 1ms)")
      ->capture_default_str();
  app.add_option("--outformat", o.outformat,
                 "Event line format: short, csv, long, json, jtl or none (an unknown name "
                 "falls back to long)")
      ->capture_default_str();
  app.add_option("--output", o.output, "Write event lines to this file instead of stdout");
  app.add_option("--report", o.report, "Write the final summary as JSON to this file");
  app.add_option("--queue", raw.queue,
                 "Records per worker in the shared-memory queue, a power of two; 0 sizes it "
                 "automatically. Producers wait when it is full (reported in the summary)")
      ->capture_default_str();
  app.add_option("--grace", raw.grace,
                 "After a stop request or the end of --duration, how long calls in flight "
                 "may take before their runner is killed (duration)")
      ->capture_default_str();
  app.add_option("--defaults", raw.defaults,
                 "JSON object of option values overriding the built-in defaults; the command "
                 "line overrides it [defaults.json in the current directory, when present]");
  AddOpenedOptions(app, o, raw);
  app.set_version_flag("--version", PYLOGEN_VERSION);
  // A defaults file's words come first: the command line's later value wins.
  for (CLI::Option* option : app.get_options()) {
    if (option->get_name() != "-v") option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
}

// The opened model's cross-checks; the schedule and burst grammars are
// checked by the plan, which parses them.
std::expected<void, std::string> ConvertOpened(const RawOptions& raw, LoadOptions& o) {
  if (!raw.seed.empty()) {
    auto seed = ParseCount("--seed", raw.seed, 0, std::numeric_limits<std::uint64_t>::max());
    if (!seed) return std::unexpected(seed.error());
    o.seed = *seed;
    o.seed_given = true;
  }
  // --prefork defaults to kDefaultPrefork, or fewer when --maxworkers is smaller.
  o.prefork = std::min(plan::kDefaultPrefork, o.max_workers);
  if (!raw.prefork.empty()) {
    auto prefork = ParseCount("--prefork", raw.prefork, 0, 100000);
    if (!prefork) return std::unexpected(prefork.error());
    o.prefork = static_cast<std::uint32_t>(*prefork);
  }
  if (o.controller_delay_s <= 0) return std::unexpected("--controllerDelay: expected a duration > 0");
  if (o.min_workers > o.max_workers) {
    return std::unexpected(fmt::format("--minworkers {} is above --maxworkers {}", o.min_workers, o.max_workers));
  }
  if (o.prefork > o.max_workers) {
    return std::unexpected(fmt::format("--prefork {} is above --maxworkers {}", o.prefork, o.max_workers));
  }
  if (o.arrivals != "uniform" && o.arrivals != "poisson") {
    return std::unexpected(fmt::format("--arrivals: '{}' is not uniform or poisson", o.arrivals));
  }
  if ((o.jobs & (o.jobs - 1)) != 0) {
    return std::unexpected(fmt::format("--jobs: {} is not a power of two", o.jobs));
  }
  for (const auto& [name, text] : {std::pair{"--generatorDelay", raw.generator_delay},
                                   std::pair{"--workerDelay", raw.worker_delay}}) {
    if (!text.empty()) {
      if (auto d = ParseDuration(name, text); !d) return std::unexpected(d.error());
    }
  }
  return {};
}

// Converts the raw texts; the first error wins.
std::expected<void, std::string> Convert(const RawOptions& raw, RunOptions& o) {
  constexpr auto kMax32 = std::numeric_limits<std::uint32_t>::max();
  auto check = [](auto result, auto& target) -> std::expected<void, std::string> {
    if (!result) return std::unexpected(result.error());
    target = *result;
    return {};
  };
  std::expected<void, std::string> steps[] = {
      check(ParseCount("--process", raw.process, 1, 100000), o.load.processes),
      check(ParseDuration("--postpone", raw.postpone), o.load.postpone_s),
      check(ParseDuration("--rampup", raw.rampup), o.load.rampup_s),
      check(ParseDuration("--duration", raw.duration), o.load.duration_s),
      check(ParseCount("--loops", raw.loops, 0, kMax32), o.load.loops),
      check(ParseList("--lengths", raw.lengths), o.load.lengths),
      check(ParseUtf8("--id", o.load.id), o.load.id),
      check(ParseDuration("--pauseloop", raw.pauseloop), o.load.pauseloop_s),
      check(ParseDuration("--pauselen", raw.pauselen), o.load.pauselen_s),
      check(ParseJsonObject("--extra", o.load.extra), o.load.extra),
      check(ParseDuration("--summary", raw.summary), o.summary_s),
      check(ParseCount("--queue", raw.queue, 0, 1u << 24), o.queue),
      check(ParseDuration("--grace", raw.grace), o.grace_s),
      check(ParseCount("--trigger", raw.trigger, 0, kMax32), o.load.trigger),
      check(ParseDuration("--controllerDelay", raw.controller_delay), o.load.controller_delay_s),
      check(ParseCount("--decrease", raw.decrease, 1, kMax32), o.load.decrease),
      check(ParseCount("--minworkers", raw.min_workers, 1, 100000), o.load.min_workers),
      check(ParseCount("--maxworkers", raw.max_workers, 1, 100000), o.load.max_workers),
      check(ParseCount("--jobs", raw.jobs, 2, 1u << 24), o.load.jobs),
      check(ParseCount("--concurrency", raw.concurrency, 1, 1u << 20), o.load.concurrency),
      check(ParseDuration("--optimeout", raw.optimeout), o.load.optimeout_s),
  };
  for (auto& step : steps) {
    if (!step) return step;
  }
  if (!(o.summary_s >= plan::kMinSummaryS)) {
    return std::unexpected(fmt::format("--summary: expected a duration of at least 1ms, got {}s", o.summary_s));
  }
  if (o.load.optimeout_s <= 0) return std::unexpected("--optimeout: expected a duration > 0");
  if (o.queue != 0 && (o.queue < 2 || (o.queue & (o.queue - 1)) != 0)) {
    return std::unexpected(
        fmt::format("--queue: {} is not a power of two >= 2 (or 0 for automatic)", o.queue));
  }
  if (o.load.lengths.size() > 65535) return std::unexpected("--lengths: at most 65535 values");
  return ConvertOpened(raw, o.load);
}

// The value of --defaults among expanded words, "" when absent.
std::string DefaultsArgument(const std::vector<std::string>& words) {
  std::string path;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--") break;
    if (words[i] == "--defaults" && i + 1 < words.size()) path = words[i + 1];
    if (words[i].starts_with("--defaults=")) path = words[i].substr(11);
  }
  return path;
}

// The words of the defaults file in force, then `words`.
std::expected<std::vector<std::string>, std::string> PrependDefaults(
    const CLI::App& app, const std::vector<std::string>& words, const std::string& inherited) {
  std::string path = DefaultsArgument(words);
  if (path.empty()) path = inherited;
  std::error_code ec;
  if (path.empty() && std::filesystem::is_regular_file(kImplicitDefaults, ec)) path = kImplicitDefaults;
  if (path.empty()) return words;
  auto defaults = ReadDefaults(path);
  if (!defaults) return std::unexpected(defaults.error());
  auto prefix = DefaultsToWords(app, *defaults, path, {"defaults", "version", "help"});
  if (!prefix) return std::unexpected(prefix.error());
  prefix->insert(prefix->end(), words.begin(), words.end());
  return prefix;
}

}  // namespace

std::expected<RunOptions, ParseStop> ParseCommandLine(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "scenario") return ParseScenarioCommandLine(args);
  return ParseCutCommandLine(args);
}

std::vector<LoadOptions> LoadsOf(const RunOptions& options) {
  if (options.scenario.empty()) return {options.load};
  std::vector<LoadOptions> loads;
  for (const ScenarioLine& line : options.scenario) loads.push_back(line.load);
  return loads;
}

std::expected<RunOptions, ParseStop> ParseCutCommandLine(const std::vector<std::string>& args,
                                                         const std::string& inherited_defaults) {
  RunOptions options;
  RawOptions raw;
  CLI::App app(kDescription, "pylogen");
  app.get_formatter()->column_width(28);
  AddOptions(app, options, raw);

  auto expanded = ExpandPrefixes(args, LongOptionNames(app), kPylogenOptions);
  if (!expanded) return std::unexpected(ParseStop{2, expanded.error()});
  auto with_defaults = PrependDefaults(app, *expanded, inherited_defaults);
  if (!with_defaults) return std::unexpected(ParseStop{2, with_defaults.error()});
  std::vector<std::string> reversed(with_defaults->rbegin(), with_defaults->rend());
  try {
    app.parse(std::move(reversed));
  } catch (const CLI::CallForHelp&) {
    return std::unexpected(ParseStop{0, app.help()});
  } catch (const CLI::CallForVersion&) {
    return std::unexpected(ParseStop{0, std::string("pylogen ") + PYLOGEN_VERSION + "\n"});
  } catch (const CLI::RequiredError& e) {
    if (options.load.cut.empty()) {
      return std::unexpected(ParseStop{2, "no CUT given: expected pylogen CUT [options], e.g. pylogen cuts/Dummy --proc 4"});
    }
    return std::unexpected(ParseStop{2, e.what()});
  } catch (const CLI::ParseError& e) {
    return std::unexpected(ParseStop{2, e.what()});
  }
  if (auto converted = Convert(raw, options); !converted) {
    return std::unexpected(ParseStop{2, converted.error()});
  }
  return options;
}

}  // namespace pylogen::cli
