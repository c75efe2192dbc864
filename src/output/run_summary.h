// The end-of-run summary (DESIGN §6) as data, and its two renderings: the
// text printed on stdout and the JSON report (schema in the README).
// Built and rendered in the reader process, once, after the queue is drained.
#ifndef PYLOGEN_OUTPUT_RUN_SUMMARY_H_
#define PYLOGEN_OUTPUT_RUN_SUMMARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "stats/aggregator.h"

namespace pylogen::output {

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
};

// One opened-model load: its generator's figures.
struct OpenedSummary {
  std::string load_id;
  std::string schedule;
  std::string arrivals;
  std::string burst;
  std::uint64_t seed = 0;
  std::uint64_t scheduled = 0;  // events the schedule made due
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
};

struct RunSummary {
  const stats::Aggregator* stats = nullptr;
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
  std::uint64_t shared_memory_bytes = 0;  // the whole segment
  std::uint64_t ring_bytes = 0;           // of which the rings' records
  std::uint64_t ring_budget_bytes = 0;    // what the automatic ring sizes keep within
  std::uint32_t fork_failures = 0;        // processes that could not be forked
  std::string fork_error;                 // the first one's text
  std::vector<OpenedSummary> opened;
  std::vector<std::string> warnings;
};

// Adds the warnings DESIGN §6 asks for, derived from the figures.
void AddDerivedWarnings(RunSummary& summary);

std::string SummaryText(const RunSummary& summary);
nlohmann::json SummaryJson(const RunSummary& summary);

// "1.23ms", "45ns", "2.000s": a latency in the unit that reads best.
std::string HumanDuration(std::int64_t ns);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_RUN_SUMMARY_H_
