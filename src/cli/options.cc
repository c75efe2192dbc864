#include "cli/options.h"

#include <algorithm>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/prefix.h"
#include "cli/values.h"

namespace pylogen::cli {
namespace {

// Raw option texts: CLI11 collects them, values.h validates them so that each
// error names the option and what was expected.
struct RawOptions {
  std::string process = "1", postpone = "0", rampup = "0", duration = "0", loops = "5",
              lengths = "0", pauseloop = "0", pauselen = "0", summary = "1", queue = "0",
              grace = "10";
};

constexpr const char* kDescription =
    "pylogen: a multi-process load injector.\n"
    "Loads a CUT (class under test, a C++ plugin) and forks processes that call it,\n"
    "measure every call and report one line per event, then a summary with\n"
    "percentiles and high-water marks.\n\n"
    "Closed model: --process runners each loop over the CUT for --duration seconds\n"
    "(or --loops loops), one operation per value of --lengths.\n"
    "Durations take seconds (10, 0.5) or units (500ms, 2m, 1h). Long options may be\n"
    "abbreviated to any unique prefix (--proc, --dur).";

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
  app.add_option("--summary", raw.summary,
                 "Interval of throughput computations (duration > 0)")
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
  app.set_version_flag("--version", PYLOGEN_VERSION);
}

std::vector<std::string> LongNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back(name);
  }
  return names;
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
      check(ParseDuration("--pauseloop", raw.pauseloop), o.load.pauseloop_s),
      check(ParseDuration("--pauselen", raw.pauselen), o.load.pauselen_s),
      check(ParseJsonObject("--extra", o.load.extra), o.load.extra),
      check(ParseDuration("--summary", raw.summary), o.summary_s),
      check(ParseCount("--queue", raw.queue, 0, 1u << 24), o.queue),
      check(ParseDuration("--grace", raw.grace), o.grace_s),
  };
  for (auto& step : steps) {
    if (!step) return step;
  }
  if (o.summary_s <= 0) return std::unexpected("--summary: expected a duration > 0");
  if (o.queue != 0 && (o.queue < 2 || (o.queue & (o.queue - 1)) != 0)) {
    return std::unexpected(
        fmt::format("--queue: {} is not a power of two >= 2 (or 0 for automatic)", o.queue));
  }
  if (o.load.lengths.size() > 65535) return std::unexpected("--lengths: at most 65535 values");
  return {};
}

}  // namespace

std::expected<RunOptions, ParseStop> ParseCommandLine(const std::vector<std::string>& args) {
  RunOptions options;
  RawOptions raw;
  CLI::App app(kDescription, "pylogen");
  app.get_formatter()->column_width(28);
  AddOptions(app, options, raw);

  auto expanded = ExpandPrefixes(args, LongNames(app));
  if (!expanded) return std::unexpected(ParseStop{2, expanded.error()});
  std::vector<std::string> reversed(expanded->rbegin(), expanded->rend());
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
