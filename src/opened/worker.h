// A worker of the opened model (DESIGN §4): takes events from its load's
// jobs queue, runs one CUT operation per event, and reports it with the
// event's intended time, so that records carry wait (service start -
// intended), service and response (wait + service).
//
// Runs in a forked child; returns its exit code. Sets its slot's `ready`
// once its CUT is set up. Sleeps on the queue's futex when idle. Leaves when
// the run stops, when asked to retire (only while idle), or when the
// generator is done and the queue is empty.
#ifndef PYLOGEN_OPENED_WORKER_H_
#define PYLOGEN_OPENED_WORKER_H_

#include <cstdint>

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::opened {

int RunWorker(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
              std::uint32_t slot_index);

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_WORKER_H_
