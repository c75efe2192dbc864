// The supervisor: the main process of a run once the plan is built.
//
// Forks the reader, then each runner at its planned start; reaps children
// and records how each ended in its slot; says on stderr how they ended, once
// for many processes alike (supervisor/repeated_lines.h); turns SIGINT/SIGTERM into a
// graceful stop (phase kStopping, grace period, then SIGKILL), and a second
// signal into an immediate one; stops the run the same graceful way when
// the reader says the event-line pipe was closed (reader::kOutputClosedSignal);
// kills runners that overrun --duration by
// more than the grace period. When no runner is left it sets phase kOver and
// waits for the reader to drain the queue and write the summary.
//
// REQUIRES: SIGINT, SIGTERM and SIGCHLD blocked in the calling thread
// (BlockRunSignals) before the segment is created.
#ifndef PYLOGEN_SUPERVISOR_SUPERVISOR_H_
#define PYLOGEN_SUPERVISOR_SUPERVISOR_H_

#include "plan/run_plan.h"
#include "reader/reader.h"
#include "shm/segment.h"

namespace pylogen::supervisor {

// How a run ended; main maps it to the exit code.
enum class Outcome {
  kOk,
  kFailure,      // the run itself failed (the reader died, ...)
  kWorkerFault,  // the run finished, but a worker crashed, failed or was killed
  kInterrupted,  // SIGINT/SIGTERM
  kThresholdsBroken,  // the run completed, but a --threshold was broken
  kOutputClosed,  // an output pipe was closed (`| head`): the run was stopped
};
// When several apply: kFailure > kInterrupted > kOutputClosed > kWorkerFault > kOk.

// Where the reader writes: fds opened by main before anything is forked.
using OutputFds = reader::ReaderFds;

Outcome Supervise(const plan::RunPlan& plan, const shm::Segment& segment, const OutputFds& fds);

}  // namespace pylogen::supervisor

#endif  // PYLOGEN_SUPERVISOR_SUPERVISOR_H_
