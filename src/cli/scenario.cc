#include "cli/scenario.h"

#include <algorithm>
#include <optional>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/prefix.h"
#include "cli/values.h"
#include "cli/words.h"
#include "plan/defaults.h"
#include "util/input_file.h"

namespace pylogen::cli {
namespace {

constexpr const char* kScenarioDescription =
    "pylogen scenario: runs every CUT command line of a file at once, as loads of one run\n"
    "(one stats reader, one summary broken down per --id). One line per load, without\n"
    "the program name; '#' comments and blank lines are skipped; words split on white\n"
    "space, a single-quoted stretch may hold spaces. Each line shapes its load with its\n"
    "own --postpone, --duration, --openedmodel ... The options below apply to the run.";

struct RawRun {
  std::string summary = "1", queue = "0", grace = "10", defaults;
};

void AddRunOptions(CLI::App& app, RunOptions& o, RawRun& raw) {
  app.add_option("--file", o.scenario_file, "The scenario file")->required();
  app.add_flag("-v", o.verbosity, "Verbosity on stderr: -v warnings, -vv info, -vvv debug");
  app.add_option("--summary", raw.summary, "Interval of throughput computations (duration > 0)")
      ->capture_default_str();
  app.add_option("--outformat", o.outformat,
                 "Event line format: short, csv, long, json, jtl or none")->capture_default_str();
  app.add_option("--output", o.output, "Write event lines to this file instead of stdout");
  app.add_option("--report", o.report, "Write the final summary as JSON to this file");
  app.add_option("--queue", raw.queue, "Records per worker in the shared-memory queue (0: auto)")
      ->capture_default_str();
  app.add_option("--grace", raw.grace, "Grace period of calls in flight at a stop (duration)")
      ->capture_default_str();
  app.add_option("--defaults", raw.defaults,
                 "Defaults file for every line that names none [defaults.json when present]");
}

std::expected<void, std::string> ConvertRun(const RawRun& raw, RunOptions& o) {
  auto summary = ParseDuration("--summary", raw.summary, plan::kMinSummaryS, plan::kMinSummaryText);
  if (!summary) return std::unexpected(summary.error());
  o.summary_s = *summary;
  auto queue = ParseCount("--queue", raw.queue, 0, 1u << 24);
  if (!queue) return std::unexpected(queue.error());
  if (*queue != 0 && (*queue < 2 || (*queue & (*queue - 1)) != 0)) {
    return std::unexpected(fmt::format("--queue: {} is not a power of two >= 2", *queue));
  }
  o.queue = *queue;
  auto grace = ParseDuration("--grace", raw.grace);
  if (!grace) return std::unexpected(grace.error());
  o.grace_s = *grace;
  return {};
}

// One load line; "" error text for a comment or a blank line.
std::expected<std::optional<RunOptions>, std::string> ParseLine(const std::string& line,
                                                                const std::string& defaults) {
  std::size_t first = line.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string::npos || line[first] == '#') return std::nullopt;
  auto words = SplitWords(line);
  if (!words) return std::unexpected(words.error());
  if (words->empty()) return std::nullopt;
  if ((*words)[0] == "scenario") return std::unexpected("a scenario line cannot be a scenario");
  auto parsed = ParseCutCommandLine(*words, defaults);
  if (!parsed) {
    if (parsed.error().exit_code == 0) return std::unexpected("--help/--version is not a load");
    return std::unexpected(parsed.error().text);
  }
  return std::optional<RunOptions>(std::move(*parsed));
}

}  // namespace

std::expected<std::vector<ScenarioLine>, std::string> ParseScenarioText(
    const std::string& file, const std::string& text, const std::string& defaults,
    int* verbosity) {
  std::vector<ScenarioLine> lines;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    auto parsed = ParseLine(line, defaults);
    if (!parsed) return std::unexpected(fmt::format("{}:{}: {}", file, number, parsed.error()));
    if (!parsed->has_value()) continue;
    *verbosity = std::max(*verbosity, (*parsed)->verbosity);
    lines.push_back({number, std::move((*parsed)->load)});
  }
  if (lines.empty()) return std::unexpected(fmt::format("{}: no load line (only comments or blanks)", file));
  return lines;
}

std::expected<RunOptions, ParseStop> ParseScenarioCommandLine(const std::vector<std::string>& args) {
  RunOptions options;
  RawRun raw;
  CLI::App app(kScenarioDescription, "pylogen scenario");
  AddRunOptions(app, options, raw);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  auto expanded = ExpandPrefixes(rest, LongOptionNames(app), {"outformat", "file", "summary", "defaults"});
  if (!expanded) return std::unexpected(ParseStop{2, expanded.error()});
  try {
    app.parse(std::vector<std::string>(expanded->rbegin(), expanded->rend()));
  } catch (const CLI::CallForHelp&) {
    return std::unexpected(ParseStop{0, app.help()});
  } catch (const CLI::ParseError& e) {
    return std::unexpected(ParseStop{2, fmt::format("scenario: {}", e.what())});
  }
  if (auto converted = ConvertRun(raw, options); !converted) {
    return std::unexpected(ParseStop{2, converted.error()});
  }
  auto text = util::ReadInputFile("scenario file", options.scenario_file);
  if (!text) return std::unexpected(ParseStop{2, "--file: " + text.error()});
  auto lines = ParseScenarioText(options.scenario_file, *text, raw.defaults, &options.verbosity);
  if (!lines) return std::unexpected(ParseStop{2, lines.error()});
  options.scenario = std::move(*lines);
  options.load = options.scenario.front().load;
  return options;
}

}  // namespace pylogen::cli
