// Runs `pylogen report show|merge` (cli/report_options.h): reads the
// reports, rebuilds or merges them (report.h, merge.h) and prints the text
// summary with output::SummaryText on stdout; merge writes the JSON of
// output::SummaryJson to --report (a temporary file renamed into place,
// a FIFO or a device written through). Errors: one line on stderr
// "pylogen: error: ...". Main process; nothing is forked.
#ifndef PYLOGEN_REPORT_COMMAND_H_
#define PYLOGEN_REPORT_COMMAND_H_

#include <string>

#include <nlohmann/json.hpp>

#include "cli/report_options.h"
#include "report/report.h"

namespace pylogen::report {

// Exit codes: 0; 2 a report refused (not readable, not JSON, not a pylogen
// report, another schema) or --report unusable, nothing written; 1 the
// summary or --report could not be written; 141 stdout closed; 99 (merge)
// a threshold broken on the merge.
int RunReportCommand(const cli::ReportOptions& options);

// The JSON report of `r`: output::SummaryJson of its summary, with its
// `intervals` and `event_lines` when the renderer gave none, and for a
// merge `merged_from` (each input's origin and host).
nlohmann::json ReportJson(const Report& r);

}  // namespace pylogen::report

#endif  // PYLOGEN_REPORT_COMMAND_H_
