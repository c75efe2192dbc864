// Reads the machine's limits on processes and memory (plan::MachineLimits)
// from /proc, /sys/fs/cgroup and getrlimit, for the start-up check of
// plan/capacity.h. Supervisor process, once, before anything is forked.
// A file that cannot be read leaves its limit unknown: the check then
// relies on the others.
#ifndef PYLOGEN_PROCESS_MACHINE_LIMITS_H_
#define PYLOGEN_PROCESS_MACHINE_LIMITS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "plan/capacity.h"

namespace pylogen::process {

// `root` stands for "/" (a test passes a made-up tree). RLIMIT_NPROC and
// whether it applies are the calling process' own.
plan::MachineLimits ReadMachineLimits(const std::string& root = "");

// Pieces of the reading, pure.
// The number in a file's text (pids.max, pid_max); nullopt for "max", an
// unlimited cgroup v1 value (>= 2^62) or no number.
std::optional<std::uint64_t> ParseLimit(std::string_view text);
// The path of `controller` in /proc/self/cgroup's text: the v1 line naming
// it ("4:memory:/a/b"), or with controller "" the v2 line ("0::/a/b").
std::optional<std::string> CgroupPath(std::string_view proc_self_cgroup,
                                      std::string_view controller);
// MemAvailable of /proc/meminfo, in bytes.
std::optional<std::uint64_t> MemAvailable(std::string_view meminfo);
// The tasks on the machine: the total of /proc/loadavg's "running/total".
std::optional<std::uint64_t> LoadavgTasks(std::string_view loadavg);

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_MACHINE_LIMITS_H_
