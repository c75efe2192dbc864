// `pylogen report merge`: reports of runs made at the same time (several
// machines, or shards of one) combined into one, as data; the renderers
// (output::SummaryText, SummaryJson) print it. Rules (README-report.md):
// - names matched by (id, name, nature): counts, errors and bytes summed,
//   histograms merged (percentiles recomputed from them, never averaged),
//   spans min/max; ids and totals re-derived from the names; start = the
//   first request's begin, end = the last one's end, duration and rates
//   from them;
// - high-water marks: the highest of the inputs with its instant (marks of
//   different machines are reached at different instants: a sum would be
//   a peak nobody saw);
// - the throughput intervals of the inputs are not kept (each machine
//   ticks at its own instants; one report alone keeps its own); the `intervals` (schema 2, aligned on
//   multiples of --summary since the epoch) are merged by MergeIntervals;
// - opened loads matched by id: events summed, emitted_per_second summed
//   index by index, lateness merged, the generators' CPU summed;
// - workers concatenated, each with its origin (the input's path) and host;
//   warnings kept, prefixed by their origin; counts of the processes,
//   shared memory and fork failures summed; interrupted if any was.
// Thresholds are not evaluated here (MergedThresholds, EvaluateThresholds).
//
// Pure: no I/O. Main process of `pylogen report`.
#ifndef PYLOGEN_REPORT_MERGE_H_
#define PYLOGEN_REPORT_MERGE_H_

#include <expected>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/report.h"
#include "thresholds/threshold.h"

namespace pylogen::report {

// Adds `from`'s figures to `into` (the same name of two runs).
void MergeNameStats(stats::NameStats& into, const stats::NameStats& from);

// One report of `inputs` (at least one; one alone is rebuilt as is, its
// workers given their origin). The result's `intervals` are the inputs',
// merged by MergeIntervals with stats::MergeIntervalJson.
std::expected<Report, std::string> MergeReports(const std::vector<Report>& inputs);

// The thresholds of the inputs, each expression once, in the order first
// met: what a merge re-evaluates when no --threshold is given.
std::vector<thresholds::Threshold> MergedThresholds(const std::vector<Report>& inputs);

// Merges `from` into `into`, two interval objects with the same start.
using IntervalMerge = std::function<std::expected<void, std::string>(nlohmann::json& into,
                                                                     const nlohmann::json& from)>;

// The hook of the time series (issue 12 item 2): merges `intervals` arrays
// (each sorted by "start_ns") into one sorted by start_ns; objects with the
// same start_ns are merged by `merge`, the others kept as they are. The
// error names the array (its index in `arrays`) and the object.
std::expected<nlohmann::json, std::string> MergeIntervals(const std::vector<nlohmann::json>& arrays,
                                                          const IntervalMerge& merge);


}  // namespace pylogen::report

#endif  // PYLOGEN_REPORT_MERGE_H_
