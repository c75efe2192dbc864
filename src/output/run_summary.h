// The end-of-run summary (DESIGN §6) as data, and its two renderings: the
// text printed on stdout and the JSON report (schema in the README).
// Built and rendered in the reader process, once, after the queue is drained.
#ifndef PYLOGEN_OUTPUT_RUN_SUMMARY_H_
#define PYLOGEN_OUTPUT_RUN_SUMMARY_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/aggregator.h"
#include "thresholds/evaluate.h"

namespace pylogen::output {

class DeferredParts;

// The JSON report's "schema": 2 adds the `intervals` time series. A reader
// of reports (src/report/) refuses another version.
inline constexpr int kReportSchema = 2;

// An event-driven process' own figures, measured by its loop as it left.
struct LoopSummary {
  std::int64_t cpu_ns = 0;      // user + system CPU of the process
  std::int64_t run_ns = 0;      // its wall time from its loop's creation to its end
  std::int64_t lag_p99_ns = 0;  // how late its timers fired: p99, a power-of-two bucket's upper bound
  std::int64_t lag_max_ns = 0;
  std::uint64_t timers = 0;     // timers fired
  std::uint64_t callback_errors = 0;  // exceptions that escaped its loop's callbacks
  std::string callback_error;         // the first one's message
  std::uint64_t stray_completions = 0;  // Complete() of operations not in flight (ignored)
  std::uint64_t cancel_errors = 0;      // exceptions its CUT's cancel() threw
  std::string cancel_error;             // the first one's message
  // cpu / run: 1 is a core busy all along (a little above 1 is possible:
  // the CPU time includes the set-up before the loop existed).
  double busy() const { return run_ns > 0 ? static_cast<double>(cpu_ns) / run_ns : 0; }
  // The tightest bound known of the p99: its bucket's bound, or the largest
  // lag when that is lower.
  std::int64_t lag_p99_bound() const { return std::min(lag_p99_ns, lag_max_ns); }
};

// The injector as the bottleneck: a process is judged only once it ran at
// least kJudgedRunNs (a short run's CPU share and few timers say nothing);
// it is then too busy at kBusyFraction of a core, or too late when its
// timers' lag p99 exceeded kLagP99LimitNs. The p99 is known as a
// power-of-two bucket [b/2, b): it exceeded the limit when the whole
// bucket lies above it (b/2 >= limit), so that no bucket straddling 1 ms
// warns.
inline constexpr std::int64_t kJudgedRunNs = 1'000'000'000;
inline constexpr double kBusyFraction = 0.9;
inline constexpr std::int64_t kLagP99LimitNs = 1'000'000;
// Processes named in the one "injector was the bottleneck" warning.
inline constexpr std::size_t kBottleneckNamed = 5;

bool TooBusy(const LoopSummary& loop);
bool TooLate(const LoopSummary& loop);

struct WorkerSummary {
  std::string name;     // runner-3
  std::string load_id;
  int pid = 0;
  std::string state;    // ended, failed, crashed, killed, running, idle
  int signal = 0;
  int exit_code = 0;
  std::string error;
  std::uint64_t operations = 0;
  std::uint64_t empty_operations = 0;
  std::uint64_t wait_ns = 0;  // waiting for room in the queue
  std::uint64_t waits = 0;
  std::uint64_t ring_capacity = 0;  // records of its ring
  bool event_driven = false;        // it ran an event loop: `loop` holds its figures
  LoopSummary loop;
  // A merged report's: the report it came from and that run's host (empty
  // in a run's own report).
  std::string origin;
  std::string host;
};

// One opened-model load: its generator's figures.
struct OpenedSummary {
  std::string load_id;
  std::string schedule;
  std::string arrivals;
  std::string burst;
  std::uint64_t seed = 0;
  // Events the whole schedule plans (its integral; with Poisson arrivals,
  // the expected count), from the plan: a generator stopped or killed early
  // does not lower it.
  std::uint64_t scheduled = 0;
  std::uint64_t due = 0;        // events the generator reached (made due) before it stopped
  std::uint64_t emitted = 0;    // pushed into the jobs queue
  std::uint64_t dropped = 0;    // found the queue full
  std::uint64_t served = 0;     // operations run by its workers
  std::vector<std::uint32_t> emitted_per_second;  // by emission time, from the schedule's start
  stats::Histogram lateness;    // emission - due time
  bool lateness_known = false;  // false when the generator died before writing it
  double generator_cpu_s = 0;
  double generator_run_s = 0;
  std::string generator_state;
  int generator_signal = 0;
  std::uint32_t controller_target = 0;      // the worker count last computed as needed
  std::uint32_t controller_target_max = 0;  // the highest one
  // The limit: checks at which the controller wanted more workers than
  // max_workers while events were queued (0: never), the first one's wall
  // clock and the highest count wanted. Each worker holds `concurrency`
  // calls in flight (1: a blocking CUT).
  std::uint64_t limit_checks = 0;
  std::int64_t limit_since_wall_ns = 0;
  std::uint32_t limit_wanted = 0;
  std::uint32_t max_workers = 0;
  std::uint32_t concurrency = 1;
  bool event_driven = false;
  // Events (a transaction or a lone request) whose wait exceeded their own
  // service time.
  std::uint64_t waited_longer_than_service = 0;
  bool limit_reached() const { return limit_checks != 0; }
};

struct RunSummary {
  const stats::Aggregator* stats = nullptr;
  std::string host;                // gethostname() of the run (a merge: its inputs' hosts)
  std::int64_t start_wall_ns = 0;  // first request's begin
  std::int64_t end_wall_ns = 0;    // last request's end
  double duration_s = 0;           // end - start (0 when no request)
  bool interrupted = false;
  unsigned cores = 1;
  std::vector<WorkerSummary> workers;
  std::uint64_t operations = 0;    // sum over workers
  std::uint64_t producer_wait_ns = 0;
  std::uint64_t producer_waits = 0;
  std::uint64_t ring_capacity = 0;  // the largest ring's records
  // Processes counted in the totals but not listed in `workers` (the
  // segment's ended-processes table was full).
  std::uint64_t unlisted_processes = 0;
  std::uint64_t unlisted_empty_operations = 0;
  std::uint64_t unlisted_callback_errors = 0;  // in their event loops
  std::uint64_t shared_memory_bytes = 0;  // the whole segment
  std::uint64_t ring_bytes = 0;           // of which the rings' records
  std::uint64_t ring_budget_bytes = 0;    // what the automatic ring sizes keep within
  std::uint32_t fork_failures = 0;        // processes that could not be forked
  std::string fork_error;                 // the first one's text
  std::vector<OpenedSummary> opened;
  std::vector<thresholds::Observed> thresholds;  // in the order given (output/threshold_summary.h)
  std::vector<std::string> warnings;
  // The report's `intervals` (stats/interval_json.h objects): a list, or,
  // in the reader, output::kIntervalsPlaceholder, replaced by the spooled
  // intervals as the report is written (output/interval_spool.h).
  nlohmann::json intervals = nlohmann::json::array();
};

// Adds the warnings DESIGN §6 asks for, derived from the figures.
void AddDerivedWarnings(RunSummary& summary);

std::string SummaryText(const RunSummary& summary);
// With `deferred`, the names' histograms are left out of the tree as
// placeholders, written by deferred->Write (output/report_writer.h).
nlohmann::json SummaryJson(const RunSummary& summary, DeferredParts* deferred = nullptr);

// This machine's name (gethostname), "" when unknown: the report's "host".
std::string HostName();

// "1.23ms", "45ns", "2.000s": a latency in the unit that reads best.
std::string HumanDuration(std::int64_t ns);
// "512 B", "1.50 KiB", "3.00 MiB": a byte count in binary units.
std::string HumanBytes(std::uint64_t bytes);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_RUN_SUMMARY_H_
