#include "opened/wake.h"

#include <unistd.h>

#include <cstdint>

#include "util/futex.h"

namespace pylogen::opened {

void Signal(int wake_fd) {
  if (wake_fd < 0) return;
  std::uint64_t one = 1;
  // EAGAIN (the counter is at its maximum) means it is readable already.
  [[maybe_unused]] ssize_t n = write(wake_fd, &one, sizeof one);
}

void WakeWaiting(shm::OpenedArea& area) {
  shm::JobsControl& control = area.jobs;
  control.published.fetch_add(1, std::memory_order_seq_cst);
  if (control.waiters.load(std::memory_order_seq_cst) != 0) util::FutexWake(&control.published, 1 << 30);
  if (control.loop_waiters.load(std::memory_order_seq_cst) != 0) Signal(area.wake_fd);
}

void WakeAll(shm::OpenedArea& area) {
  area.jobs.published.fetch_add(1, std::memory_order_seq_cst);
  util::FutexWake(&area.jobs.published, 1 << 30);
  Signal(area.wake_fd);
}

}  // namespace pylogen::opened
