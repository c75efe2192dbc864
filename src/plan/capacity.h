// Can the machine hold the plan? The decision, as pure functions of the
// plan's needs and the machine's observed limits (process/machine_limits.h
// reads them from /proc and /sys), unit-tested with made-up limits. Run by
// main, in the supervisor, after the plan is built and before anything is
// mapped or forked: a plan whose start does not fit is refused (exit 2);
// one whose --maxworkers does not fit starts with a warning naming the
// real ceiling.
#ifndef PYLOGEN_PLAN_CAPACITY_H_
#define PYLOGEN_PLAN_CAPACITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/run_plan.h"

namespace pylogen::plan {

// A limit of the machine on how many processes (tasks: the kernel counts
// threads too) or bytes one more user may take. nullopt: unknown or
// unlimited.
struct MachineLimits {
  std::optional<std::uint64_t> pid_max;      // kernel.pid_max
  std::optional<std::uint64_t> threads_max;  // kernel.threads-max
  std::optional<std::uint64_t> tasks;        // tasks running on the machine
  // RLIMIT_NPROC (soft), when the kernel applies it to this process (not to
  // root nor to CAP_SYS_RESOURCE/CAP_SYS_ADMIN); it counts the tasks of the
  // real uid.
  std::optional<std::uint64_t> nproc_limit;
  std::optional<std::uint64_t> user_tasks;  // tasks of the real uid
  // The tightest pids.max among the process' cgroup and its ancestors.
  std::optional<std::uint64_t> cgroup_pids_max;
  std::optional<std::uint64_t> cgroup_pids_current;
  std::string cgroup_pids_dir;                 // where that pids.max is
  std::optional<std::uint64_t> mem_available;  // /proc/meminfo MemAvailable, bytes
  // The tightest memory limit among the process' cgroup and its ancestors.
  std::optional<std::uint64_t> cgroup_memory_max;
  std::optional<std::uint64_t> cgroup_memory_current;
  std::string cgroup_memory_dir;
};

// How much more the machine lets this run take, and which limit says so
// ("kernel.pid_max 32768 with 120 tasks running").
struct Room {
  std::uint64_t more = 0;
  std::string because;
};
// The tightest process limit, nullopt when none is known.
std::optional<Room> ProcessRoom(const MachineLimits& limits);
// The tightest memory limit, nullopt when none is known.
std::optional<Room> MemoryRoom(const MachineLimits& limits);

// The tasks of one runner or worker: the process and the thread that relays
// its CUT's stdout (process/cut_stdout.h). The reader and the generators are
// one task each.
inline constexpr std::uint64_t kTasksPerSlotChild = 2;

// What the plan takes, besides the supervisor that is already running, in
// tasks (what the kernel's limits count: processes and their threads).
struct PlanNeeds {
  std::uint64_t at_start =
      0;  // tasks at the start: the reader, runners, preforked workers, generators
  std::uint64_t at_most = 0;  // tasks alive at once at most (every opened load at --maxworkers)
  std::string start_what;     // "100000 runners with their stdout relays and the reader"
  std::string start_option;   // "--process 100000", or "the scenario's loads"
  std::string start_advice;   // "lower --process, or use --concurrency with an event-driven CUT"
  std::string most_option;    // "--maxworkers 5000"; empty without opened loads
  std::uint64_t shared_bytes = 0;  // the segment
};
PlanNeeds NeedsOf(const RunPlan& plan, std::uint64_t segment_bytes);

// Empty error: the plan may start, with these warnings.
struct CapacityVerdict {
  std::string error;
  std::vector<std::string> warnings;
};
CapacityVerdict CheckCapacity(const PlanNeeds& needs, const MachineLimits& limits);

// "1.5 GiB", "64.0 MiB", "512 bytes".
std::string HumanBytes(std::uint64_t bytes);

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_CAPACITY_H_
