// The reader: the one consumer of every worker's ring (DESIGN §6).
//
// Runs in its own process for the whole run. Drains the rings in batches,
// counts every record, writes one event line per record, computes the global
// throughput every --summary seconds and samples the high-water marks. When
// the supervisor sets phase kOver it drains what is left, then writes the
// summary and the JSON report. Returns the process exit code: 0,
// kExitThresholdsBroken when a --threshold was broken, or one of the output
// codes below.
//
// Outputs that fail (output/sink.h): a closed event-line pipe (EPIPE: `| head`,
// an --output FIFO whose reader went away) stops the run as SIGINT does: the
// reader sends kOutputClosedSignal to the supervisor once, goes on draining
// without formatting lines, writes the summary on stderr when stdout is the
// closed pipe, writes the report, and exits kExitOutputClosed. Any other
// write error (ENOSPC, EIO) on the lines, the summary or the report: the run
// goes on, the summary and the report say how many lines were lost, one
// line on stderr names the file and the error, exit kExitOutputFailed.
#ifndef PYLOGEN_READER_READER_H_
#define PYLOGEN_READER_READER_H_

#include <signal.h>

#include <string>

#include "plan/run_plan.h"
#include "shm/segment.h"

namespace pylogen::reader {

// The reader's exit code when it wrote everything but a threshold was
// broken (the supervisor's Outcome::kThresholdsBroken).
inline constexpr int kExitThresholdsBroken = 99;

struct ReaderFds {
  int lines = 1;    // event lines
  int summary = 1;  // text summary
  // The JSON report's path, empty: none. Written through `report` when it is
  // open (a FIFO, a device: output::WrittenInPlace), else replaced at the end
  // (output::WriteFileAtomically).
  int report = -1;
  std::string report_path;
  std::string lines_name = "stdout";  // where the event lines go, for messages
};

// The reader's signal to its parent, the supervisor: the event-line output
// was closed, stop the run. The supervisor blocks it before forking the reader.
inline constexpr int kOutputClosedSignal = SIGUSR1;
// Reader exit codes besides 0; any other is a reader failure.
inline constexpr int kExitOutputFailed = 4;    // a write error, said on stderr
inline constexpr int kExitOutputClosed = 141;  // an output pipe was closed (128 + SIGPIPE)

int RunReader(const plan::RunPlan& plan, const shm::Segment& segment, const ReaderFds& fds);

}  // namespace pylogen::reader

#endif  // PYLOGEN_READER_READER_H_
