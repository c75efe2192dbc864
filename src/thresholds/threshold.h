// A threshold: one pass/fail objective of a run, given as --threshold EXPR
// (k6-like), checked at parse time and evaluated by the reader on its final
// statistics (thresholds/evaluate.h). A broken one makes the exit code 99.
//
// Grammar (white space allowed between the parts):
//   EXPR     := [SERIES ':'] METRIC ['(' SELECTOR ')'] OP NUMBER [UNIT | '%']
//   SERIES   := response | service | wait   (latencies only; default response,
//               which is the service time in the closed model)
//   METRIC   := pN | pN.N | mean | min | max   a latency: NUMBER takes a UNIT
//             | count                          requests
//             | errors                         failed requests; NUMBER or NUMBER%
//             | rate                           requests per second of the run
//             | dropped                        opened-model events dropped
//   SELECTOR := a load id, a whole name, or the trailing dot-separated parts
//               of names (R_0 matches ID.CUT.0.MANAGER.R_0); dropped: a load id
//   OP       := < | <= | > | >= | == | !=
//   UNIT     := ns | us | µs | ms | s | m
// Only requests count, never transaction records.
//
// Pure: no I/O. Supervisor process (parsing), reader process (evaluation).
#ifndef PYLOGEN_THRESHOLDS_THRESHOLD_H_
#define PYLOGEN_THRESHOLDS_THRESHOLD_H_

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace pylogen::thresholds {

// Most thresholds of one run: each is evaluated over every name at the end.
inline constexpr std::size_t kMaxThresholds = 100;

enum class Series { kResponse, kService, kWait };
enum class Metric { kPercentile, kMean, kMin, kMax, kCount, kErrors, kRate, kDropped };
enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

struct Threshold {
  std::string expression;  // as given
  Series series = Series::kResponse;
  Metric metric = Metric::kPercentile;
  double percentile = 0;   // kPercentile: in [0, 100]
  std::string selector;    // empty: every name
  Op op = Op::kLess;
  // Latencies: nanoseconds; errors with `percent`: a percentage of the
  // requests; otherwise a plain count or rate.
  double limit = 0;
  bool percent = false;
};

// Parses one expression. The error is one line: the expression (cut when
// long), the 1-based character where parsing stopped, and what was expected.
std::expected<Threshold, std::string> ParseThreshold(std::string_view text);

// True when `observed OP limit` holds.
bool Holds(double observed, Op op, double limit);

bool IsLatency(Metric metric);

}  // namespace pylogen::thresholds

#endif  // PYLOGEN_THRESHOLDS_THRESHOLD_H_
