// Errors you can see (issue 12, item 6): the summary's "errors" block (the
// failed records per name by rc and message) and the headline, the lines a
// run that mostly failed or dropped events opens its summary with.
//
// Pure: derived from a RunSummary's figures, in the reader process, once,
// after the queue is drained (and again by `pylogen report show` on a
// summary read back). No I/O.
#ifndef PYLOGEN_OUTPUT_ERROR_SUMMARY_H_
#define PYLOGEN_OUTPUT_ERROR_SUMMARY_H_

#include <cstddef>
#include <string>
#include <vector>

#include "output/run_summary.h"
#include "stats/aggregator.h"

namespace pylogen::output {

// The errors block's bounds: the top kErrorPairsPerName pairs of each name,
// kErrorLines lines in all (names and pairs), then one "... N more" line.
inline constexpr std::size_t kErrorPairsPerName = 5;
inline constexpr std::size_t kErrorLines = 20;

// "\nerrors (...):\n  NAME: ...\n    rc 7 \"...\": 3\n": the names with
// errors, the most failing first; "" when no record failed.
std::string ErrorsText(const stats::Aggregator& stats);

// The headline, in this order: "most requests failed: F of N (P%); top
// error: rc R \"MESSAGE\" (C)" when more than half of the requests failed,
// then, per opened load that dropped events, "ID: D of T events dropped
// (P%): the jobs queue was full (--jobs)" (T: the events the generator
// tried to queue, emitted + dropped). Empty on a healthy run. These lines
// open the text summary and are the first of the report's `warnings`.
std::vector<std::string> Headline(const RunSummary& summary);

// rc 7 "Couldn't connect to server": the message quoted and escaped, so that
// a CUT's control characters or broken UTF-8 cannot break the line.
std::string ErrorPairText(int rc, std::string_view message);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_ERROR_SUMMARY_H_
