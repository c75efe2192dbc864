// The run plan: the validated, resolved description of a run that every
// process of it shares (copied into children by fork). Built once by the
// supervisor from the command line, before anything is forked.
#ifndef PYLOGEN_PLAN_RUN_PLAN_H_
#define PYLOGEN_PLAN_RUN_PLAN_H_

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "plan/defaults.h"
#include "plan/line_format.h"
#include "pylogen/cut.h"
#include "schedule/arrivals.h"
#include "schedule/schedule.h"
#include "thresholds/threshold.h"

namespace pylogen::plan {

// The opened model's part of a load (DESIGN §4).
struct OpenedPlan {
  schedule::Schedule schedule;
  std::string schedule_text;
  schedule::ArrivalMode arrivals = schedule::ArrivalMode::kUniform;
  std::uint64_t seed = 0;
  std::string burst = kDefaultBurst;
  std::uint32_t prefork = kDefaultPrefork;
  std::uint32_t trigger = kDefaultTrigger;
  double controller_delay_s = kDefaultControllerDelayS;
  std::uint32_t decrease = kDefaultDecrease;
  std::uint32_t min_workers = kDefaultMinWorkers;
  std::uint32_t max_workers = kDefaultMaxWorkers;  // the load's slots
  std::uint32_t area = 0;            // its OpenedArea in the segment
};

// One load: a CUT driven by its own processes (one command line): closed
// runners, or an opened model's generator and workers.
struct LoadPlan {
  std::string id;            // --id, or the CUT's name
  std::string cut_name;      // "Dummy"
  std::string cut_path;      // the .so that was loaded
  const CutDescriptor* cut = nullptr;  // valid in every process of the run
  std::string extra;         // --extra, a JSON object's text
  std::vector<std::string> lengths;
  std::uint32_t processes = kDefaultProcesses;  // closed: runners; opened: worker slots
  std::uint32_t concurrency = kDefaultConcurrency;  // operations in flight per process (1: blocking CUT)
  std::int64_t optimeout_ns = static_cast<std::int64_t>(kDefaultOptimeoutS * 1e9);  // event-driven operations only
  double postpone_s = 0;
  double rampup_s = 0;
  double duration_s = 0;     // > 0: time-bound runners
  std::uint64_t loops = 0;   // used when duration_s == 0
  double pauseloop_s = 0;
  double pauselen_s = 0;
  std::uint32_t first_slot = 0;  // slots [first_slot, first_slot + processes)
  std::uint64_t ring_capacity = 0;  // records per ring of each of its processes (SizeRings)
  std::optional<OpenedPlan> opened;  // set: the opened model

  // An event-driven CUT: processes run an event loop, not one call at a time.
  bool event_driven() const { return cut != nullptr && cut->kind == CutKind::kEvent; }
  // Virtual users of the closed model (processes x concurrency).
  std::uint64_t users() const { return std::uint64_t{processes} * concurrency; }

  // Seconds after the run's start at which user `index` starts (closed
  // model; with --concurrency 1 a user is a runner process). User k runs in
  // process k mod processes.
  double StartOffset(std::uint64_t index) const {
    return postpone_s + static_cast<double>(index) * rampup_s;
  }
  // The user of process `process` that starts last.
  std::uint64_t LastUserOf(std::uint32_t process) const {
    return process + std::uint64_t{concurrency - 1} * processes;
  }
};

struct RunPlan {
  std::vector<LoadPlan> loads;
  std::uint32_t slot_count = 0;     // one per worker of the whole run
  std::uint64_t ring_budget_bytes = 0;  // what the automatic ring sizes keep within
  std::uint32_t opened_count = 0;   // opened loads (OpenedAreas in the segment)
  std::uint64_t jobs_capacity = 0;  // events per jobs queue
  double summary_s = kDefaultSummaryS;
  LineFormat format = LineFormat::kShort;
  // Non-empty: --outformat named no format; the long format is used, and
  // this is the warning said before the run and in the summary.
  std::string format_warning;
  std::string output_path;          // empty: stdout
  std::string report_path;          // empty: none
  double grace_s = kDefaultGraceS;
  std::vector<thresholds::Threshold> thresholds;  // evaluated by the reader at the end
  int verbosity = 0;
  // Said at the start on stderr and again in the summary (the machine's
  // limits below what the plan may use, ...).
  std::vector<std::string> warnings;

  // The load and runner index a slot belongs to.
  const LoadPlan& LoadOfSlot(std::uint32_t slot) const;
  // Records of each slot's ring, slot by slot (the segment's layout).
  std::vector<std::uint64_t> RingCapacities() const;
  // Bytes of all the rings' records.
  std::uint64_t RingBytes() const;
};

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_RUN_PLAN_H_
