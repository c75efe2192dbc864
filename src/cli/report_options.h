// `pylogen report show A.json` and `pylogen report merge A.json B.json ...
// [--report OUT] [--threshold EXPR ...]`: the command line of the report
// subcommands (src/report/command.h runs them), validated; `--help` of
// `report`, `report show` and `report merge` as text to print.
// Main process, before any file is read.
#ifndef PYLOGEN_CLI_REPORT_OPTIONS_H_
#define PYLOGEN_CLI_REPORT_OPTIONS_H_

#include <expected>
#include <string>
#include <vector>

#include "cli/options.h"
#include "thresholds/threshold.h"

namespace pylogen::cli {

struct ReportOptions {
  enum class Action { kShow, kMerge };
  Action action = Action::kShow;
  std::vector<std::string> files;  // show: exactly one; merge: at least one
  std::string report;              // merge --report OUT; empty: none
  std::vector<thresholds::Threshold> thresholds;  // merge --threshold, in the order given
  // Options given without effect (report show given --report): main prints
  // them, "pylogen: warning: " first.
  std::vector<std::string> warnings;
};

// `args` starts with "report". Errors name the subcommand and the culprit
// ("report merge: no report given: expected pylogen report merge A.json
// B.json ..."); --help is ParseStop{0, text}.
std::expected<ReportOptions, ParseStop> ParseReportCommandLine(const std::vector<std::string>& args);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_REPORT_OPTIONS_H_
