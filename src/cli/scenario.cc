#include "cli/scenario.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/applicability.h"
#include "cli/fields.h"
#include "cli/help_format.h"
#include "cli/prefix.h"
#include "cli/words.h"
#include "util/excerpt.h"
#include "util/input_file.h"

namespace pylogen::cli {
namespace {

constexpr const char* kScenarioDescription =
    "pylogen scenario: runs every CUT command line of a file at once, as loads of one run (one "
    "stats reader, one summary broken down per --id). One line per load (a leading 'pylogen' is "
    "dropped); '#' comments and blank lines are skipped; words split on white space, a "
    "single-quoted stretch may hold spaces. Each line shapes its load with its own --postpone, "
    "--duration, --openedmodel ... (see pylogen --help). The options below apply to the run; a "
    "line cannot give them.";

constexpr const char* kScenarioFooter =
    "Exit codes: those of pylogen --help; a bad line is exit code 2, naming FILE:LINE.\n"
    "\n"
    "Example:\n"
    "  pylogen scenario --file scenarios/Scenario.txt --outformat csv --output events.csv";

template <class T>
std::string Text(T value) {
  return fmt::format("{}", value);
}

// Types and defaults as in pylogen --help (a test compares them).
CLI::Option* Value(CLI::App& app, const std::string& name, const std::string& type,
                   const std::string& description, const std::string& default_text,
                   const char* group) {
  return Describe(AddValueOption(app, name, description), type, default_text)->group(group);
}

void AddRunOptions(CLI::App& app, int& verbosity) {
  UseHelpFormat(app, {"pylogen scenario --file FILE [run options]"}, "Run");
  app.footer(kScenarioFooter);
  Value(app, "--file", "FILE", "The scenario file, one load per line", "", "Run")
      ->required();
  Describe(app.add_flag("-v", verbosity, "Stderr: -v warnings, -vv info, -vvv debug"),
           "", "errors only")
      ->group("Run");
  Value(app, "--grace", "DURATION",
        "At a stop or the end of a --duration, how long calls in flight may take before their "
        "process is killed",
        Text(plan::kDefaultGraceS), "Run");
  Value(app, "--queue", "N",
        "Records per process in the shared-memory queue, a power of two; 0 sizes it from "
        "--concurrency",
        "0", "Run");
  Value(app, "--jobs", "N", "Capacity of the jobs queue of every opened line, a power of two",
        Text(plan::kDefaultJobs), "Run");
  Value(app, "--threshold", "EXPR",
        "A pass/fail objective of the run, repeatable (see pylogen --help); one broken: exit "
        "code 99",
        "none", "Run");
  Value(app, "--defaults", "FILE", "Every line's defaults file",
        "./defaults.json if present", "Run");
  Value(app, "--outformat", "FORMAT",
        "Event lines: short, csv, long, json, jtl, none",
        "short", "Output");
  Value(app, "--output", "FILE", "Write event lines to FILE", "stdout", "Output");
  Value(app, "--report", "FILE", "Write the final summary as JSON to FILE", "no report",
        "Output");
  Value(app, "--summary", "DURATION", "Interval of throughput computations, at least 1ms",
        Text(plan::kDefaultSummaryS), "Output");
}

// Every run option, without its dashes: the scenario command line's, and
// the names kept for run options to come.
constexpr std::string_view kRunOptions[] = {
    "output", "report", "outformat", "summary", "grace",      "queue", "jobs",
    "defaults", "threshold", "html", "prometheus", "shard", "start-at"};

// One load line; "" error text for a comment or a blank line.
std::expected<std::optional<RunOptions>, std::string> ParseLine(const std::string& line,
                                                                const std::string& defaults) {
  if (line.size() > kMaxScenarioLineBytes) {
    return std::unexpected(fmt::format("line of {} bytes, above the {} a load line may hold: {}",
                                       line.size(), kMaxScenarioLineBytes, util::Excerpt(line)));
  }
  std::size_t first = line.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos || line[first] == '#') return std::nullopt;
  auto words = SplitWords(line);
  if (!words) return std::unexpected(words.error());
  if (words->empty()) return std::nullopt;
  // A line copied from a shell, program name included: the word is dropped.
  const std::string& program = words->front();
  if (program == "pylogen" || program.ends_with("/pylogen")) {
    words->erase(words->begin());
    if (words->empty()) return std::unexpected("'pylogen' alone: expected a CUT command line, e.g. cuts/Dummy --proc 2");
  }
  if ((*words)[0] == "scenario") return std::unexpected("a scenario line cannot be a scenario");
  auto parsed = ParseCutCommandLine(*words, defaults, LineOrigin::kScenarioLine);
  if (!parsed) {
    if (parsed.error().exit_code == 0) return std::unexpected("--help/--version is not a load");
    return std::unexpected(parsed.error().text);
  }
  return std::optional<RunOptions>(std::move(*parsed));
}

// The one of `names` (without dashes) that `word` names: itself, or the
// only one it is a prefix of (argparse's abbreviations); empty otherwise.
std::string NamedOption(std::string_view word, const std::vector<std::string>& names) {
  std::string prefixed;
  for (const std::string& name : names) {
    if (name == word) return name;
    if (!name.starts_with(word)) continue;
    if (!prefixed.empty()) return "";  // ambiguous
    prefixed = name;
  }
  return prefixed;
}

// The long names of a load's options: the CUT command line's, less the run
// options (they are the scenario command line's).
std::vector<std::string> LoadOptionNames() {
  std::vector<std::string> names;
  for (const std::string& name : CutCommandLineOptionNames()) {
    if (name.starts_with("--") && !IsRunOption(name)) names.push_back(name.substr(2));
  }
  return names;
}

}  // namespace

bool IsRunOption(std::string_view long_name) {
  if (!long_name.starts_with("--")) return false;
  long_name.remove_prefix(2);
  return std::find(std::begin(kRunOptions), std::end(kRunOptions), long_name) != std::end(kRunOptions);
}

std::expected<void, std::string> RefuseRunOptions(const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    if (word == "--") return {};
    std::string name = word.substr(0, word.find('='));
    if (!IsRunOption(name)) continue;
    CLI::App app;
    int verbosity = 0;
    AddRunOptions(app, verbosity);
    const auto names = LongOptionNames(app);
    if (std::find(names.begin(), names.end(), name.substr(2)) == names.end()) {
      return std::unexpected(fmt::format(
          "{} is reserved for a run option (not in this version): a scenario line cannot give it", name));
    }
    return std::unexpected(
        fmt::format("{} is a run option: give it on the pylogen scenario command line", name));
  }
  return {};
}

std::expected<std::vector<ScenarioLine>, std::string> ParseScenarioText(
    const std::string& file, const std::string& text, const std::string& defaults,
    int* verbosity, std::vector<std::string>* warnings) {
  std::vector<ScenarioLine> lines;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    auto parsed = ParseLine(line, defaults);
    if (!parsed) return std::unexpected(fmt::format("{}:{}: {}", file, number, parsed.error()));
    if (!parsed->has_value()) continue;
    *verbosity = std::max(*verbosity, (*parsed)->verbosity);
    for (const std::string& warning : (*parsed)->warnings) {
      if (warnings != nullptr) warnings->push_back(fmt::format("{}:{}: {}", file, number, warning));
    }
    lines.push_back({number, std::move((*parsed)->load)});
  }
  if (lines.empty()) return std::unexpected(fmt::format("{}: no load line (only comments or blanks)", file));
  return lines;
}

std::string ScenarioUnexpectedArguments(const std::vector<std::string>& remaining,
                                        const std::vector<std::string>& run_names) {
  std::string said = UnexpectedArguments(remaining, "pylogen scenario --file F [run options]", run_names);
  const std::string& first = remaining.front();
  if (!first.starts_with("--") || first.size() == 2 || !NearestOptionName(first, run_names).empty()) {
    return said;
  }
  constexpr std::string_view kWhere = "an option of one load: give it on the load's line of the scenario file";
  const std::vector<std::string> load_names = LoadOptionNames();
  std::string word = first.substr(2, first.find('=') - 2);  // npos - 2: to the end
  std::string named = NamedOption(word, load_names);
  if (!named.empty()) {
    if (named == word) return fmt::format("--{} is {}", named, kWhere);
    return fmt::format("{} is --{}, {}", util::Excerpt(first.substr(0, word.size() + 2)), named, kWhere);
  }
  std::string nearest = NearestOptionName(first, load_names);
  if (nearest.empty()) return said;
  return fmt::format("unknown option '{}'; did you mean --{}? ({})", util::Excerpt(first), nearest, kWhere);
}

std::expected<RunOptions, ParseStop> ParseScenarioCommandLine(const std::vector<std::string>& args) {
  RunOptions options;
  CLI::App app(kScenarioDescription, "pylogen scenario");
  app.allow_extras();  // said in one line below, not as CLI11's list of them all
  AddRunOptions(app, options.verbosity);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  auto expanded = ExpandPrefixes(rest, LongOptionNames(app), {"outformat", "file", "summary", "defaults"});
  if (!expanded) return std::unexpected(ParseStop{2, expanded.error()});
  try {
    app.parse(std::vector<std::string>(expanded->rbegin(), expanded->rend()));
  } catch (const CLI::CallForHelp&) {
    return std::unexpected(ParseStop{0, app.help()});
  } catch (const CLI::ArgumentMismatch& e) {
    return std::unexpected(ParseStop{2, "scenario: " + MissingValue(e.what())});
  } catch (const CLI::ParseError& e) {
    return std::unexpected(ParseStop{2, fmt::format("scenario: {}", util::Excerpt(e.what(), 200))});
  }
  if (!app.remaining().empty()) {
    return std::unexpected(
        ParseStop{2, "scenario: " + ScenarioUnexpectedArguments(app.remaining(), LongOptionNames(app))});
  }
  FieldTarget target{options};
  if (auto set = SetGivenFields(app, target); !set) return std::unexpected(ParseStop{2, set.error()});
  const auto& defaults = app.get_option("--defaults")->results();
  auto text = util::ReadInputFile("scenario file", options.scenario_file);
  if (!text) return std::unexpected(ParseStop{2, "--file: " + text.error()});
  auto lines = ParseScenarioText(options.scenario_file, *text, defaults.empty() ? "" : defaults.back(),
                                 &options.verbosity, &options.warnings);
  if (!lines) return std::unexpected(ParseStop{2, lines.error()});
  // --jobs sizes the run's one jobs queue: given here, it is every line's.
  if (app.get_option("--jobs")->count() != 0) {
    for (ScenarioLine& line : *lines) line.load.jobs = options.load.jobs;
  }
  options.scenario = std::move(*lines);
  options.load = options.scenario.front().load;
  for (std::string& warning : ScenarioRunWarnings(options, GivenOptions(app))) {
    options.warnings.push_back(std::move(warning));
  }
  return options;
}

std::vector<std::string> ScenarioCommandLineOptionNames() {
  CLI::App app;
  int verbosity = 0;
  AddRunOptions(app, verbosity);
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) names.push_back(option->get_name());
  return names;
}

}  // namespace pylogen::cli
