// The JSON form of one interval of the time series (stats/interval_series.h),
// as the report's `intervals` list holds it, and its inverse for
// `pylogen report merge`.
//
// One object (field names are part of the report schema 2, see the README):
//   {"start":ISO,"end":ISO,"start_ns":N,"end_ns":N,"requests":N,"errors":N,
//    "late":N,"rate":R,"p50_ns":N,"p90_ns":N,"p99_ns":N,"max_ns":N,
//    "histogram":H, ["service":{"p50_ns",..,"max_ns","histogram":H},
//    "wait":{...}], "workers_running":N,"workers_busy":N,"in_flight":N,
//    "queue_fill":N,"jobs_queue_fill":N,"dropped":N,"target_rate":R|null,
//    "ids":[{"id":S,"requests","errors","rate","p50_ns".."max_ns",
//            "histogram",["service","wait"],"target_rate"},...]}
// ISO times are UTC with microseconds, as the report's other times; the
// percentiles are of the successful requests' response time (the service
// time in the closed model) and are recomputed from `histogram` (H:
// stats::Histogram::ToJson, lossless) when read back. `service` and `wait`
// appear in the opened model only; target_rate is null in the closed model.
//
// Pure functions; reader process (writing) and `pylogen report` (reading).
#ifndef PYLOGEN_STATS_INTERVAL_JSON_H_
#define PYLOGEN_STATS_INTERVAL_JSON_H_

#include <expected>
#include <nlohmann/json.hpp>
#include <string>

#include "stats/interval_series.h"

namespace pylogen::stats {

nlohmann::json IntervalToJson(const IntervalStats& interval);

// Validates every field it reads; the error names it ("intervals: ids[2].histogram: ...").
std::expected<IntervalStats, std::string> IntervalFromJson(const nlohmann::json& json);

// Merges the interval object `from` into `into` (both as IntervalToJson
// writes them, with the same start): read, MergeIntervals, written back.
// The shape of report::IntervalMerge, for `pylogen report merge`. The error
// names the field, or says that the intervals do not line up.
std::expected<void, std::string> MergeIntervalJson(nlohmann::json& into,
                                                   const nlohmann::json& from);

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_INTERVAL_JSON_H_
