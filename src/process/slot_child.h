// A worker process bound to a slot of the segment: starting it (fork, slot
// state, counters) and recording how it ended. Shared by the closed and the
// opened model's drivers; supervisor process only.
#ifndef PYLOGEN_PROCESS_SLOT_CHILD_H_
#define PYLOGEN_PROCESS_SLOT_CHILD_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "process/forker.h"
#include "shm/segment.h"

namespace pylogen::process {

// Forks `body` through `forker` as the process of `slot` (role "runner-N" or
// "worker-N"), marks the slot running and counts the start. A slot that
// held an earlier process first has it archived (Segment::ArchiveSlot), so
// that each process keeps its own counts. Returns the pid, or -1 when the
// fork failed: the slot is left idle, the failure counted in the segment's
// header, and the run's first failure logged — one line, however many follow.
// An exception escaping `body` in the child is recorded in the slot
// (RunRecordingEscapes), not printed by each child. The child's stdout is
// the CUT's: relayed to stderr, prefixed by `role`, for the whole body
// (process/cut_stdout.h), never pylogen's stdout.
pid_t StartInSlot(Forker& forker, const shm::Segment& segment, std::uint32_t slot,
                  std::uint16_t load, std::uint16_t index, const std::string& role,
                  const std::function<int()>& body);

// Runs `body` in the child of `slot`: an exception escaping it is recorded
// in the slot (shm::SlotError::kEscaped, "an exception escaped: what()") and
// gives 1, for the supervisor to say once for many processes alike.
int RunRecordingEscapes(shm::Slot& slot, const std::function<int()>& body);

// Counts a failed fork of `role` (errno `error`) in the segment; logs it
// when it is the run's first. Returns the text recorded.
std::string RecordForkFailure(const shm::Segment& segment, const std::string& role, int error);

// Records how the process of `slot` ended (waitpid status) and counts the
// end. Returns the state it was given. Prints nothing: the supervisor says
// how processes ended, once for many alike.
shm::SlotState RecordExit(const shm::Segment& segment, std::uint32_t slot, int status,
                          bool killed_by_us);

// The slot state a waitpid status means.
shm::SlotState StateOfExit(int status, bool killed_by_us);

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_SLOT_CHILD_H_
