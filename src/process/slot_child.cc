#include "process/slot_child.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/child.h"
#include "util/log.h"

namespace pylogen::process {

pid_t StartInSlot(const shm::Segment& segment, std::uint32_t slot_index, std::uint16_t load,
                  std::uint16_t index, const std::string& role, const std::function<int()>& body) {
  shm::Slot& slot = segment.slot(slot_index);
  slot.load = load;
  slot.index = index;
  slot.error[0] = '\0';
  slot.ready.store(0, std::memory_order_relaxed);
  slot.retire.store(0, std::memory_order_relaxed);
  slot.busy.store(0, std::memory_order_relaxed);
  pid_t pid = ForkChild(role, body);
  if (pid < 0) {
    CopyBounded(slot.error, sizeof slot.error, fmt::format("fork failed: {}", std::strerror(errno)));
    slot.state.store(shm::SlotState::kFailed, std::memory_order_release);
    log::Error("cannot fork {}: {}", role, std::strerror(errno));
    return -1;
  }
  slot.pid = pid;
  slot.signal = 0;
  slot.exit_code = 0;
  slot.state.store(shm::SlotState::kRunning, std::memory_order_release);
  segment.header().started.fetch_add(1, std::memory_order_relaxed);
  log::Debug("{} started, pid {}", role, pid);
  return pid;
}

shm::SlotState StateOfExit(int status, bool killed_by_us) {
  if (WIFSIGNALED(status)) return killed_by_us ? shm::SlotState::kKilled : shm::SlotState::kCrashed;
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) return shm::SlotState::kFailed;
  return shm::SlotState::kEnded;
}

shm::SlotState RecordExit(const shm::Segment& segment, std::uint32_t slot_index, int status,
                          bool killed_by_us, const std::string& role) {
  shm::Slot& slot = segment.slot(slot_index);
  shm::SlotState state = StateOfExit(status, killed_by_us);
  if (WIFSIGNALED(status)) slot.signal = WTERMSIG(status);
  if (WIFEXITED(status)) slot.exit_code = WEXITSTATUS(status);
  if (state == shm::SlotState::kCrashed) {
    log::Warn("{} (pid {}) died: {}", role, slot.pid, strsignal(slot.signal));
  }
  slot.state.store(state, std::memory_order_release);
  segment.header().ended.fetch_add(1, std::memory_order_relaxed);
  return state;
}

}  // namespace pylogen::process
