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

#include "plan/line_format.h"
#include "pylogen/cut.h"
#include "schedule/arrivals.h"
#include "schedule/schedule.h"

namespace pylogen::plan {

// The opened model's part of a load (DESIGN §4).
struct OpenedPlan {
  schedule::Schedule schedule;
  std::string schedule_text;
  schedule::ArrivalMode arrivals = schedule::ArrivalMode::kUniform;
  std::uint64_t seed = 0;
  std::string burst = "1";
  std::uint32_t prefork = 10;
  std::uint32_t trigger = 3;
  double controller_delay_s = 1;
  std::uint32_t decrease = 10;
  std::uint32_t min_workers = 1;
  std::uint32_t max_workers = 1000;  // bounded by the load's slots
  std::uint32_t area = 0;            // its OpenedArea in the segment
};

// Workers of one opened load that can be alive at once: each needs a slot
// (a ring) in the segment; a slot is reused once its worker ended and its
// ring was drained.
inline constexpr std::uint32_t kMaxOpenedSlots = 256;

// One load: a CUT driven by its own processes (one command line): closed
// runners, or an opened model's generator and workers.
struct LoadPlan {
  std::string id;            // --id, or the CUT's name
  std::string cut_name;      // "Dummy"
  std::string cut_path;      // the .so that was loaded
  const CutDescriptor* cut = nullptr;  // valid in every process of the run
  std::string extra;         // --extra, a JSON object's text
  std::vector<std::string> lengths;
  std::uint32_t processes = 1;  // closed: runners; opened: worker slots
  std::uint32_t concurrency = 1;  // operations in flight per process (1: blocking CUT)
  std::int64_t optimeout_ns = 60'000'000'000;  // event-driven operations only
  double postpone_s = 0;
  double rampup_s = 0;
  double duration_s = 0;     // > 0: time-bound runners
  std::uint64_t loops = 0;   // used when duration_s == 0
  double pauseloop_s = 0;
  double pauselen_s = 0;
  std::uint32_t first_slot = 0;  // slots [first_slot, first_slot + processes)
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
  std::uint64_t ring_capacity = 0;  // records per worker ring
  std::uint32_t opened_count = 0;   // opened loads (OpenedAreas in the segment)
  std::uint64_t jobs_capacity = 0;  // events per jobs queue
  double summary_s = 1;
  LineFormat format = LineFormat::kShort;
  bool format_fell_back = false;
  std::string output_path;          // empty: stdout
  std::string report_path;          // empty: none
  double grace_s = 10;
  int verbosity = 0;

  // The load and runner index a slot belongs to.
  const LoadPlan& LoadOfSlot(std::uint32_t slot) const;
};

// Shared-memory budget of the automatic ring size.
inline constexpr std::uint64_t kAutoQueueBytes = 64ull << 20;
inline constexpr std::uint64_t kMaxAutoRing = 16384;
inline constexpr std::uint64_t kMinAutoRing = 64;
// Records per ring when --queue is 0: the largest power of two that keeps
// every ring within the budget, clamped to [kMinAutoRing, kMaxAutoRing].
std::uint64_t AutoRingCapacity(std::uint32_t slot_count);

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_RUN_PLAN_H_
