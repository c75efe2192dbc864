// The opened model's generator (DESIGN §4): one process per opened load that
// emits events at the times the schedule makes them due.
//
// Each event's due time comes from the integral of the rate (schedule/
// arrivals), never from a sampling tick. The generator waits on absolute
// deadlines (Pacer: sleep, then spin the last stretch) and stamps each event
// with its due time, so lateness never shifts later events. When events are
// closer than kBatchGapNs it wakes every kBatchWindowNs and emits all that
// are due. A full jobs queue drops the event and counts it. A burst takes
// the events of its own segment only, so emitted never exceeds scheduled.
// The loop itself, with what it guarantees, is generator_loop.h.
//
// Runs in a forked child; returns its exit code. Writes its counters, CPU
// time and lateness histogram into its OpenedArea.
#ifndef PYLOGEN_OPENED_GENERATOR_H_
#define PYLOGEN_OPENED_GENERATOR_H_

#include <cstdint>

#include "opened/generator_loop.h"
#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::opened {

// `start_mono_ns`: the schedule's time 0 on the monotonic clock.
int RunGenerator(const plan::LoadPlan& load, const shm::Segment& segment, std::int64_t start_mono_ns);

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_GENERATOR_H_
