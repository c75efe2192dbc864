// How the supervisor drives the processes of one load: the closed model's
// runners (ClosedDriver) or the opened model's generator and workers
// (OpenedDriver). The supervisor owns signals, reaping and the reader; a
// driver decides when its processes start and stop.
//
// Supervisor process only. Times are monotonic nanoseconds.
#ifndef PYLOGEN_PROCESS_LOAD_DRIVER_H_
#define PYLOGEN_PROCESS_LOAD_DRIVER_H_

#include <sys/types.h>

#include <cstdint>
#include <limits>
#include <optional>

namespace pylogen::process {

inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

class LoadDriver {
 public:
  virtual ~LoadDriver() = default;
  // The run starts now.
  virtual void Start(std::int64_t now) = 0;
  // When Act() next has something to do (kNever: only on a child's exit).
  virtual std::int64_t NextDeadline() const = 0;
  // Starts what is due, checks the controller, kills what overran its grace.
  virtual void Act(std::int64_t now) = 0;
  // The slot of this driver's running process `pid` (nullopt: not one of
  // its slot processes, e.g. the generator). Asked before OnExit(), so that
  // the supervisor can read how it ended from that slot afterwards.
  virtual std::optional<std::uint32_t> SlotOf(pid_t pid) const = 0;
  // A child ended; false when it was not one of this driver's. Records how it
  // ended (process::RecordExit), prints nothing per process: the supervisor
  // says what many processes have in common once (supervisor/repeated_lines.h).
  virtual bool OnExit(pid_t pid, int status) = 0;
  // A stop was requested: start nothing more; kill what still runs at `deadline`.
  virtual void Stop(std::int64_t deadline) = 0;
  // Nothing of this load runs, nor will.
  virtual bool Done() const = 0;
  // SIGKILL every process of this load (the supervisor reaps them).
  virtual void KillAll() = 0;
  // A process of this load crashed, failed or was killed.
  virtual bool Faulted() const = 0;
};

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_LOAD_DRIVER_H_
