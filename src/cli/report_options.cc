#include "cli/report_options.h"

#include <algorithm>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/applicability.h"
#include "cli/fields.h"
#include "cli/help_format.h"
#include "cli/prefix.h"
#include "util/excerpt.h"

namespace pylogen::cli {
namespace {

constexpr const char* kReportDescription =
    "pylogen report: works on JSON reports (--report) of runs already made. See pylogen report "
    "show --help and pylogen report merge --help.";

constexpr const char* kShowDescription =
    "pylogen report show: prints the text summary of a report again (stdout).";

constexpr const char* kMergeDescription =
    "pylogen report merge: combines the reports of runs made at the same time (several "
    "machines, or shards of one) into one: counts summed, names matched by id and name, "
    "percentiles recomputed from the merged histograms (never averaged), time series aligned on "
    "their intervals' start, workers and warnings kept with their origin (the file's path), the "
    "high-water marks the highest of the inputs. Prints the merged text summary; --report writes "
    "the merged JSON report. One report alone is allowed: it is rendered again. The thresholds "
    "(--threshold, else those of the inputs) are evaluated on the merge.";

constexpr const char* kShowUsage = "pylogen report show A.json";
constexpr const char* kMergeUsage = "pylogen report merge A.json B.json ... [--report OUT] [--threshold EXPR ...]";

constexpr const char* kExitCodes =
    "Exit codes: 0 done, 1 an output could not be written, 2 bad input (a file unreadable or not\n"
    "a report), 99 a threshold broken (merge), 141 the output pipe was closed.";

// Three apps of their own (not CLI11 subcommands): each parses its words
// and prints its own --help.
struct Apps {
  CLI::App report{kReportDescription, "pylogen report"};
  CLI::App show_app{kShowDescription, "pylogen report show"};
  CLI::App merge_app{kMergeDescription, "pylogen report merge"};
  CLI::App* show = &show_app;
  CLI::App* merge = &merge_app;
  std::vector<std::string> show_files, merge_files;
};

void Build(Apps& a) {
  UseHelpFormat(a.report, {kShowUsage, kMergeUsage, "pylogen report show|merge --help"}, "Options");
  UseHelpFormat(*a.show, {kShowUsage}, "Options");
  UseHelpFormat(*a.merge, {kMergeUsage}, "Options");
  a.show->add_option("report", a.show_files, "The JSON report")->type_name("A.json");
  a.merge->add_option("reports", a.merge_files, "The JSON reports to merge, one or more")
      ->type_name("A.json B.json ...");
  Describe(AddValueOption(*a.merge, "--report", "Write the merged JSON report to FILE"), "FILE",
           "no report")
      ->group("Options");
  Describe(AddValueOption(*a.merge, "--threshold",
                          "A pass/fail objective evaluated on the merge, repeatable (see "
                          "pylogen --help)"),
           "EXPR", "the inputs' thresholds")
      ->group("Options");
  for (CLI::App* app : {&a.report, a.show, a.merge}) {
    app->footer(kExitCodes);
    app->allow_extras();  // said in one line below
  }
}

// The help asked for (`-h`/`--help` before a `--`): the subcommand's when
// one is named, else report's.
std::optional<std::string> HelpAsked(Apps& a, const std::vector<std::string>& rest) {
  bool asked = false;
  CLI::App* which = &a.report;
  for (const std::string& word : rest) {
    if (word == "--") break;
    if (word == "-h" || word == "--help") asked = true;
    if (which == &a.report && word == "show") which = a.show;
    if (which == &a.report && word == "merge") which = a.merge;
  }
  if (!asked) return std::nullopt;
  return which->help();
}

}  // namespace

std::expected<ReportOptions, ParseStop> ParseReportCommandLine(const std::vector<std::string>& args) {
  Apps a;
  Build(a);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (auto help = HelpAsked(a, rest)) return std::unexpected(ParseStop{0, *help});
  if (rest.empty()) {
    return std::unexpected(ParseStop{2, "report: no subcommand given: expected pylogen report show A.json "
                                        "or pylogen report merge A.json B.json ..."});
  }
  if (rest[0] != "show" && rest[0] != "merge") {
    return std::unexpected(ParseStop{
        2, fmt::format("report: unknown subcommand '{}': expected show or merge", util::Excerpt(rest[0]))});
  }
  ReportOptions options;
  options.action = rest[0] == "show" ? ReportOptions::Action::kShow : ReportOptions::Action::kMerge;
  const char* name = rest[0] == "show" ? "report show" : "report merge";
  const char* usage = rest[0] == "show" ? kShowUsage : kMergeUsage;
  std::vector<std::string> words(rest.begin() + 1, rest.end());
  if (options.action == ReportOptions::Action::kShow) options.warnings = DropMergeOnlyOptions(words);
  CLI::App* sub = options.action == ReportOptions::Action::kShow ? a.show : a.merge;
  auto expanded = ExpandPrefixes(words, LongOptionNames(*sub));
  if (!expanded) return std::unexpected(ParseStop{2, fmt::format("{}: {}", name, expanded.error())});
  try {
    sub->parse(std::vector<std::string>(expanded->rbegin(), expanded->rend()));
  } catch (const CLI::ArgumentMismatch& e) {
    return std::unexpected(ParseStop{2, fmt::format("{}: {}", name, MissingValue(e.what()))});
  } catch (const CLI::ParseError& e) {
    return std::unexpected(ParseStop{2, fmt::format("{}: {}", name, util::Excerpt(e.what(), 200))});
  }
  if (!sub->remaining().empty()) {
    return std::unexpected(ParseStop{2, fmt::format("{}: {}", name, UnexpectedArguments(sub->remaining(), usage, LongOptionNames(*sub)))});
  }
  if (options.action == ReportOptions::Action::kShow) {
    if (a.show_files.size() != 1) {
      return std::unexpected(ParseStop{
          2, fmt::format("report show: {} reports given: expected one, {}", a.show_files.size(), kShowUsage)});
    }
    options.files = a.show_files;
    return options;
  }
  if (a.merge_files.empty()) {
    return std::unexpected(ParseStop{2, fmt::format("report merge: no report given: expected {}", kMergeUsage)});
  }
  options.files = a.merge_files;
  const auto& report = a.merge->get_option("--report")->results();
  if (!report.empty()) {
    if (report.back().empty()) {
      return std::unexpected(ParseStop{2, "report merge: --report: empty value, expected a file path"});
    }
    options.report = report.back();
  }
  for (const std::string& text : a.merge->get_option("--threshold")->results()) {
    if (options.thresholds.size() >= thresholds::kMaxThresholds) {
      return std::unexpected(ParseStop{
          2, fmt::format("report merge: --threshold: more than {} given", thresholds::kMaxThresholds)});
    }
    auto threshold = thresholds::ParseThreshold(text);
    if (!threshold) {
      return std::unexpected(ParseStop{2, fmt::format("report merge: --threshold: {}", threshold.error())});
    }
    options.thresholds.push_back(std::move(*threshold));
  }
  return options;
}

}  // namespace pylogen::cli
