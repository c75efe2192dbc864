// The reader: the one consumer of every worker's ring (DESIGN §6).
//
// Runs in its own process for the whole run. Drains the rings in batches,
// counts every record, writes one event line per record, computes the global
// throughput every --summary seconds and samples the high-water marks. When
// the supervisor sets phase kOver it drains what is left, then writes the
// summary and the JSON report. Returns the process exit code: 0, 1 (an output
// could not be written) or kExitThresholdsBroken.
#ifndef PYLOGEN_READER_READER_H_
#define PYLOGEN_READER_READER_H_

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::reader {

// The reader's exit code when it wrote everything but a threshold was
// broken (the supervisor's Outcome::kThresholdsBroken).
inline constexpr int kExitThresholdsBroken = 99;

struct ReaderFds {
  int lines = 1;    // event lines
  int summary = 1;  // text summary
  int report = -1;  // JSON report, -1: none
};

int RunReader(const plan::RunPlan& plan, const shm::Segment& segment, const ReaderFds& fds);

}  // namespace pylogen::reader

#endif  // PYLOGEN_READER_READER_H_
