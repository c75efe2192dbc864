// A worker of the opened model for an event-driven CUT (DESIGN §9): takes up
// to --concurrency events from its load's jobs queue and holds them in
// flight on its event loop; each event is one operation reported with the
// event's intended time (wait, service, response), as a blocking worker's.
//
// Runs in a forked child; returns its exit code. Sets its slot's `ready`
// once its CUT is set up. With room for more events and none queued, it
// waits on the load's wake eventfd (opened/wake.h) — no spinning. Stops
// taking events when the run stops or it is asked to retire, and leaves once
// its operations in flight completed; it also leaves when the generator is
// done, the queue is empty and nothing is in flight.
#ifndef PYLOGEN_OPENED_EVENT_WORKER_H_
#define PYLOGEN_OPENED_EVENT_WORKER_H_

#include <cstdint>

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::opened {

int RunEventWorker(const plan::RunPlan& plan, const plan::LoadPlan& load, const shm::Segment& segment,
                   std::uint32_t slot_index);

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_EVENT_WORKER_H_
