#include "process/slot_child.h"

#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "process/child.h"
#include "process/cut_stdout.h"
#include "util/log.h"

namespace pylogen::process {

std::string RecordForkFailure(const shm::Segment& segment, const std::string& role, int error) {
  std::string text = fmt::format("cannot fork {}: {}", role, std::strerror(error));
  bool first = segment.header().fork_failures.load(std::memory_order_relaxed) == 0;
  segment.RecordForkFailure(text);
  if (first) log::Error("{}: no more processes of this load are started", text);
  return text;
}

int RunRecordingEscapes(shm::Slot& slot, const std::function<int()>& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    shm::RecordError(slot, shm::SlotError::kEscaped, fmt::format("an exception escaped: {}", e.what()));
  } catch (...) {
    shm::RecordError(slot, shm::SlotError::kEscaped, "an unknown exception escaped");
  }
  return 1;
}

pid_t StartInSlot(Forker& forker, const shm::Segment& segment, std::uint32_t slot_index,
                  std::uint16_t load, std::uint16_t index, const std::string& role,
                  const std::function<int()>& body) {
  shm::Slot& slot = segment.slot(slot_index);
  if (slot.state.load(std::memory_order_acquire) != shm::SlotState::kIdle) {
    segment.ArchiveSlot(slot_index);
  }
  slot.load = load;
  slot.index = index;
  slot.error[0] = '\0';
  slot.error_kind = shm::SlotError::kNone;
  slot.ready.store(0, std::memory_order_relaxed);
  slot.retire.store(0, std::memory_order_relaxed);
  slot.busy.store(0, std::memory_order_relaxed);
  slot.pid = 0;
  slot.signal = 0;
  slot.exit_code = 0;
  slot.state.store(shm::SlotState::kIdle, std::memory_order_release);
  pid_t pid = forker.Fork(role, [&slot, &body, &role] {
    CutStdoutRelay relay(role);  // before the CUT is constructed, done before _exit
    return RunRecordingEscapes(slot, body);
  });
  if (pid < 0) {
    RecordForkFailure(segment, role, errno);
    return -1;
  }
  slot.pid = pid;
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
                          bool killed_by_us) {
  shm::Slot& slot = segment.slot(slot_index);
  shm::SlotState state = StateOfExit(status, killed_by_us);
  if (WIFSIGNALED(status)) slot.signal = WTERMSIG(status);
  if (WIFEXITED(status)) slot.exit_code = WEXITSTATUS(status);
  slot.state.store(state, std::memory_order_release);
  segment.header().ended.fetch_add(1, std::memory_order_relaxed);
  return state;
}

}  // namespace pylogen::process
