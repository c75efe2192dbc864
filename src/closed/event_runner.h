// A runner process of the closed model for an event-driven CUT (DESIGN §9):
// --concurrency virtual users on one event loop. User k of the load
// (0 <= k < P x C) runs in process k mod P and starts at
// postpone + k x rampup; each does what a blocking runner does (--loops or
// --duration counted from its own start, one operation per length, pauses
// as timers that never block the other users).
//
// Runs in a forked child only; returns the process exit code. Stops starting
// operations when the segment's phase becomes kStopping, and leaves once its
// operations in flight completed (the supervisor kills it after --grace).
#ifndef PYLOGEN_CLOSED_EVENT_RUNNER_H_
#define PYLOGEN_CLOSED_EVENT_RUNNER_H_

#include <cstdint>

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::closed {

// `run_start_mono_ns`: the run's time 0 (monotonic), from which every user's
// start offset counts.
int RunEventRunner(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
                   std::uint32_t slot_index, std::int64_t run_start_mono_ns);

}  // namespace pylogen::closed

#endif  // PYLOGEN_CLOSED_EVENT_RUNNER_H_
