// A pylogen JSON report read back (`pylogen report show|merge`): the data
// output::SummaryJson wrote, rebuilt as the output::RunSummary and the
// stats::Aggregator it points to, so that the existing renderers
// (SummaryText, SummaryJson) print it again; nothing is rendered here.
//
// Lossless for the data: names with their histograms (stats::Histogram::
// FromJson) and exact spans, totals (re-derived from the names), ids
// (re-derived by the renderers), high-water marks, throughput intervals,
// workers, opened loads, thresholds as observed, warnings; SummaryJson of a
// parsed report gives the report back (the run's `event_lines` aside, which
// are kept as `event_lines`).
//
// Owns its aggregator (on the heap: `summary.stats` stays valid when a
// Report is moved). Main process of `pylogen report`; nothing is forked.
#ifndef PYLOGEN_REPORT_REPORT_H_
#define PYLOGEN_REPORT_REPORT_H_

#include <cstddef>
#include <expected>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "output/run_summary.h"
#include "stats/aggregator.h"

namespace pylogen::report {

// A report is read whole: reports of long runs with intervals exceed the
// 16 MiB of the other input files (util/input_file.h).
inline constexpr std::size_t kMaxReportBytes = std::size_t{1} << 30;  // 1 GiB

struct Report {
  std::string origin;  // the file it was read from
  std::unique_ptr<stats::Aggregator> stats;
  output::RunSummary summary;  // summary.stats == stats.get()
  nlohmann::json intervals = nlohmann::json::array();  // the report's `intervals` (schema 2), as read
  nlohmann::json event_lines;  // the run's `event_lines` object, null when absent
};

// Rebuilds the report `json` read from `origin` (for messages). The error
// is one line naming origin and the culprit: "A.json: not a pylogen report
// (no \"schema\")", "A.json: report schema 1, this pylogen reads schema 2",
// "A.json: names[2].service.histogram: expected an object".
std::expected<Report, std::string> ParseReport(const nlohmann::json& json, const std::string& origin);

// Reads and parses the report file `path` (a regular file of at most
// kMaxReportBytes): "cannot read report 'A.json': ...", "A.json: not JSON
// (syntax error at line 3, column 7)", then as ParseReport.
std::expected<Report, std::string> ReadReport(const std::string& path);


}  // namespace pylogen::report

#endif  // PYLOGEN_REPORT_REPORT_H_
