// The thresholds' part of the end-of-run summary: evaluated on the reader's
// final figures, rendered in the text summary (broken ones first, near the
// top) and in the JSON report's "thresholds" list.
// Reader process, once, after the queue is drained.
#ifndef PYLOGEN_OUTPUT_THRESHOLD_SUMMARY_H_
#define PYLOGEN_OUTPUT_THRESHOLD_SUMMARY_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "thresholds/evaluate.h"

namespace pylogen::output {

struct RunSummary;

// Every threshold of the plan on the summary's figures (its aggregator,
// duration and opened loads' dropped events).
std::vector<thresholds::Observed> EvaluateThresholds(const std::vector<thresholds::Threshold>& list,
                                                     const RunSummary& summary);

// "5.02ms", "0.50%", "1200.0/s", "3", or "no data".
std::string ObservedText(const thresholds::Observed& observed);

// "" without thresholds; else a heading "thresholds: N of M broken" and one
// line per threshold, the broken ones first, each marked BROKEN or ok.
std::string ThresholdsText(const std::vector<thresholds::Observed>& observed);

// [{"expression", "observed" (null without data), "unit", "ok"}], in the
// order given.
nlohmann::json ThresholdsJson(const std::vector<thresholds::Observed>& observed);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_THRESHOLD_SUMMARY_H_
