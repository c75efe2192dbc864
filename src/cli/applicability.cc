#include "cli/applicability.h"

#include <algorithm>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "schedule/arrivals.h"
#include "schedule/schedule.h"
#include "util/excerpt.h"

namespace pylogen::cli {
namespace {

// Read from the code: the closed runners (closed/closed_runner.cc,
// event_runner.cc, closed_driver.cc) read --process, --rampup, --duration,
// --loops, --pauseloop and --pauselen; the opened driver, generator and
// workers read none of them (a load's slots are its --maxworkers), but do
// read --postpone, --lengths, --extra, --concurrency and --optimeout.
constexpr OptionScope kScopes[] = {
    {"action", Scope::kEvery},
    {"-v", Scope::kEvery},
    {"--id", Scope::kEvery},
    {"--process", Scope::kClosed},
    {"--postpone", Scope::kEvery},
    {"--rampup", Scope::kClosed},
    {"--duration", Scope::kClosed},
    {"--loops", Scope::kClosed},
    {"--lengths", Scope::kEvery},
    {"--pauseloop", Scope::kClosed},
    {"--pauselen", Scope::kClosed},
    {"--extra", Scope::kEvery},
    {"--concurrency", Scope::kEvery},  // > 1 with a blocking CUT is an error (BuildPlan)
    {"--optimeout", Scope::kEvery},    // event-driven CUTs only (CutKindWarnings)
    {"--summary", Scope::kEvery},
    {"--outformat", Scope::kEvery},
    {"--output", Scope::kEvery},
    {"--report", Scope::kEvery},
    {"--queue", Scope::kEvery},
    {"--grace", Scope::kEvery},
    {"--threshold", Scope::kEvery},
    {"--defaults", Scope::kEvery},
    {"--file", Scope::kEvery},  // a scenario command line's
    {"--openedmodel", Scope::kEvery},
    {"--schedule", Scope::kOpened},
    {"--prefork", Scope::kOpened},
    {"--trigger", Scope::kOpened},
    {"--controllerDelay", Scope::kOpened},
    {"--decrease", Scope::kOpened},
    {"--minworkers", Scope::kOpened},
    {"--maxworkers", Scope::kOpened},
    {"--arrivals", Scope::kOpened},
    {"--seed", Scope::kOpened},
    {"--burst", Scope::kOpened},
    {"--jobs", Scope::kOpened},
    {"--generatorDelay", Scope::kNowhere},
    {"--workerDelay", Scope::kNowhere},
    {"--version", Scope::kEvery},
    {"--help", Scope::kEvery},
};

bool Given(const std::vector<std::string>& given, std::string_view name) {
  return std::find(given.begin(), given.end(), name) != given.end();
}

std::string Seconds(double s) { return fmt::format("{:g} s", s); }

// What the opened model does instead of a closed-model option.
std::string OpenedInstead(std::string_view name, const LoadOptions& load) {
  if (name == "--process") {
    return "the opened model's workers are set by --prefork, --minworkers and --maxworkers";
  }
  if (name == "--duration" || name == "--loops") {
    auto schedule = schedule::Schedule::Parse(load.schedule);  // checked when stored
    double length = schedule ? schedule->duration_s() : 0;
    return fmt::format("the opened model runs for its --schedule, {}", Seconds(length));
  }
  return "the opened model's calls follow its --schedule";
}

// --seed feeds poisson arrivals and random bursts (--burst 0 or N > 1).
bool SeedUsed(const LoadOptions& load) {
  if (load.arrivals == "poisson") return true;
  auto burst = schedule::BurstPlanner::Parse(load.burst, 0);
  return burst && burst->fixed_size() == 0;
}

std::optional<std::string> ClosedWarning(std::string_view name, Scope scope,
                                         const LoadOptions& load) {
  if (scope == Scope::kOpened) {
    return fmt::format("{} applies to the opened model (--openedmodel): ignored", name);
  }
  if (name == "--loops" && load.duration_s > 0) {
    return fmt::format("--loops is ignored: --duration {} is given and wins over --loops",
                       Seconds(load.duration_s));
  }
  if (name == "--rampup" && load.rampup_s > 0 &&
      std::uint64_t{load.processes} * load.concurrency == 1) {
    return "--rampup spaces the runners' starts: ignored with one runner (--process 1)";
  }
  return std::nullopt;
}

std::optional<std::string> OpenedWarning(std::string_view name, Scope scope,
                                         const LoadOptions& load) {
  if (scope == Scope::kClosed) {
    return fmt::format("{} applies to the closed model: ignored ({})", name,
                       OpenedInstead(name, load));
  }
  if (name == "--seed" && !SeedUsed(load)) {
    return fmt::format(
        "--seed is used by --arrivals poisson and random bursts (--burst 0 or N): ignored with "
        "{} arrivals and --burst {}",
        load.arrivals, util::Excerpt(load.burst));
  }
  if (name == "--prefork" && load.prefork < load.min_workers) {
    return fmt::format(
        "--prefork {} is below --minworkers {}: {} workers are started before the first event",
        load.prefork, load.min_workers, load.min_workers);
  }
  return std::nullopt;
}

// The run options' warnings, whatever the command line.
std::optional<std::string> RunWarning(std::string_view name, const RunOptions& options) {
  if (name == "--output" && options.outformat == "none") {
    return fmt::format("--output {} is left empty: --outformat none writes no event line",
                       util::Excerpt(options.output));
  }
  return std::nullopt;
}

}  // namespace

std::span<const OptionScope> OptionScopes() { return kScopes; }

std::vector<std::string> GivenOptions(const CLI::App& app) {
  std::vector<std::string> given;
  for (const CLI::Option* option : app.get_options()) {
    if (option->count() != 0) given.push_back(option->get_name());
  }
  return given;
}

std::vector<std::string> LoadWarnings(const RunOptions& options) {
  const LoadOptions& load = options.load;
  std::vector<std::string> warnings;
  for (const OptionScope& option : kScopes) {
    if (!Given(load.given, option.name)) continue;
    std::optional<std::string> warning;
    if (option.scope == Scope::kNowhere) {
      warning = fmt::format("{} has no effect (accepted for Pylogen compatibility): ignored",
                            option.name);
    } else {
      warning = load.opened ? OpenedWarning(option.name, option.scope, load)
                            : ClosedWarning(option.name, option.scope, load);
    }
    if (!warning) warning = RunWarning(option.name, options);
    if (warning) warnings.push_back(std::move(*warning));
  }
  return warnings;
}

std::vector<std::string> ScenarioRunWarnings(const RunOptions& options,
                                             const std::vector<std::string>& given) {
  std::vector<std::string> warnings;
  bool any_opened = std::any_of(options.scenario.begin(), options.scenario.end(),
                                [](const ScenarioLine& line) { return line.load.opened; });
  for (const OptionScope& option : kScopes) {
    if (!Given(given, option.name)) continue;
    if (option.name == "--jobs" && !any_opened) {
      warnings.push_back(
          "--jobs sizes the opened model's jobs queue: ignored (no load of the scenario is opened)");
    } else if (auto warning = RunWarning(option.name, options)) {
      warnings.push_back(std::move(*warning));
    }
  }
  return warnings;
}

std::vector<std::string> CutKindWarnings(const LoadOptions& load, std::string_view cut_name,
                                         bool event_driven) {
  std::vector<std::string> warnings;
  if (!event_driven && Given(load.given, "--optimeout")) {
    warnings.push_back(fmt::format(
        "--optimeout applies to event-driven CUTs: ignored ({} is a blocking CUT, its calls are "
        "never timed out)",
        cut_name));
  }
  return warnings;
}

std::vector<std::string> DropMergeOnlyOptions(std::vector<std::string>& words) {
  constexpr std::string_view kMergeOnly[] = {"report", "threshold"};
  std::vector<std::string> warnings;
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (word == "--") {
      kept.insert(kept.end(), words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
      break;
    }
    std::size_t equals = word.find('=');
    std::string_view name = word.starts_with("--") ? std::string_view(word).substr(2, equals - 2)
                                                   : std::string_view();
    auto merge_only = std::find_if(std::begin(kMergeOnly), std::end(kMergeOnly),
                                   [name](std::string_view o) { return !name.empty() && o.starts_with(name); });
    if (merge_only == std::end(kMergeOnly)) {
      kept.push_back(word);
      continue;
    }
    std::string warning = fmt::format(
        "--{} applies to report merge: ignored (report show prints the summary again, nothing else)",
        *merge_only);
    if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) {
      warnings.push_back(std::move(warning));
    }
    if (equals == std::string::npos && i + 1 < words.size() && words[i + 1] != "--") ++i;  // its value
  }
  words = std::move(kept);
  return warnings;
}

}  // namespace pylogen::cli
