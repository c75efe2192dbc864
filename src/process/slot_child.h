// A worker process bound to a slot of the segment: starting it (fork, slot
// state, counters) and recording how it ended. Shared by the closed and the
// opened model's drivers; supervisor process only.
#ifndef PYLOGEN_PROCESS_SLOT_CHILD_H_
#define PYLOGEN_PROCESS_SLOT_CHILD_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "shm/segment.h"

namespace pylogen::process {

// Forks `body` as the process of `slot` (role "runner-N" or "worker-N"),
// marks the slot running and counts the start. Returns the pid, or -1 after
// marking the slot failed.
pid_t StartInSlot(const shm::Segment& segment, std::uint32_t slot, std::uint16_t load,
                  std::uint16_t index, const std::string& role, const std::function<int()>& body);

// Records how the process of `slot` ended (waitpid status) and counts the
// end. Returns the state it was given.
shm::SlotState RecordExit(const shm::Segment& segment, std::uint32_t slot, int status,
                          bool killed_by_us, const std::string& role);

// The slot state a waitpid status means.
shm::SlotState StateOfExit(int status, bool killed_by_us);

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_SLOT_CHILD_H_
