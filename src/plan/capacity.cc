#include "plan/capacity.h"

#include <fmt/format.h>

#include <algorithm>

namespace pylogen::plan {
namespace {

std::uint64_t Minus(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : 0; }

void Tighten(std::optional<Room>& room, std::uint64_t more, std::string because) {
  if (!room || more < room->more) room = Room{more, std::move(because)};
}

std::string Plural(std::uint64_t n, const char* one) {
  return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s");
}

// "4 runners with their stdout relays, 10 preforked workers with their
// stdout relays, a generator and the reader"
std::string WithRelays(std::uint64_t n, const char* one) {
  return Plural(n, one) + (n == 1 ? " with its stdout relay" : " with their stdout relays");
}

std::string StartWhat(std::uint64_t runners, std::uint64_t workers, std::uint64_t generators) {
  std::vector<std::string> parts;
  if (runners != 0) parts.push_back(WithRelays(runners, "runner"));
  if (workers != 0) parts.push_back(WithRelays(workers, "preforked worker"));
  if (generators != 0)
    parts.push_back(generators == 1 ? "a generator" : Plural(generators, "generator"));
  std::string what;
  for (const std::string& part : parts) what += part + ", ";
  if (!what.empty()) what.resize(what.size() - 2);
  return what.empty() ? "the reader" : what + " and the reader";
}

std::string StartAdvice(const RunPlan& plan) {
  if (plan.loads.size() != 1) return "lower the loads' --process or --prefork";
  const LoadPlan& load = plan.loads.front();
  if (load.opened) return "lower --prefork";
  if (load.event_driven()) return "lower --process and raise --concurrency";
  return "lower --process, or use --concurrency with an event-driven CUT";
}

std::string StartOption(const RunPlan& plan) {
  if (plan.loads.size() != 1) return "the scenario's loads";
  const LoadPlan& load = plan.loads.front();
  if (load.opened) return fmt::format("--prefork {}", load.opened->prefork);
  return fmt::format("--process {}", load.processes);
}

std::string MostOption(const RunPlan& plan) {
  std::string option;
  for (const LoadPlan& load : plan.loads) {
    if (!load.opened) continue;
    if (!option.empty()) return "the scenario's --maxworkers";
    option = fmt::format("--maxworkers {}", load.opened->max_workers);
  }
  return option;
}

}  // namespace

std::string HumanBytes(std::uint64_t bytes) {
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", bytes / double(1ull << 30));
  if (bytes >= (1ull << 20)) return fmt::format("{:.1f} MiB", bytes / double(1ull << 20));
  if (bytes >= (1ull << 10)) return fmt::format("{:.1f} KiB", bytes / double(1ull << 10));
  return fmt::format("{} bytes", bytes);
}

std::optional<Room> ProcessRoom(const MachineLimits& l) {
  std::optional<Room> room;
  std::uint64_t tasks = l.tasks.value_or(0);
  if (l.pid_max) {
    Tighten(room, Minus(*l.pid_max, tasks),
            fmt::format("kernel.pid_max {} with {} running", *l.pid_max, Plural(tasks, "task")));
  }
  if (l.threads_max) {
    Tighten(room, Minus(*l.threads_max, tasks),
            fmt::format("kernel.threads-max {} with {} running", *l.threads_max,
                        Plural(tasks, "task")));
  }
  if (l.nproc_limit) {
    std::uint64_t mine = l.user_tasks.value_or(0);
    Tighten(room, Minus(*l.nproc_limit, mine),
            fmt::format("RLIMIT_NPROC (ulimit -u) {} with {} of this user", *l.nproc_limit,
                        Plural(mine, "task")));
  }
  if (l.cgroup_pids_max) {
    std::uint64_t current = l.cgroup_pids_current.value_or(0);
    Tighten(room, Minus(*l.cgroup_pids_max, current),
            fmt::format("cgroup pids.max {} with {} in use, {}", *l.cgroup_pids_max, current,
                        l.cgroup_pids_dir));
  }
  return room;
}

std::optional<Room> MemoryRoom(const MachineLimits& l) {
  std::optional<Room> room;
  if (l.mem_available) {
    Tighten(room, *l.mem_available, fmt::format("MemAvailable {}", HumanBytes(*l.mem_available)));
  }
  if (l.cgroup_memory_max) {
    std::uint64_t current = l.cgroup_memory_current.value_or(0);
    Tighten(
        room, Minus(*l.cgroup_memory_max, current),
        fmt::format("cgroup memory limit {} with {} in use, {}", HumanBytes(*l.cgroup_memory_max),
                    HumanBytes(current), l.cgroup_memory_dir));
  }
  return room;
}

PlanNeeds NeedsOf(const RunPlan& plan, std::uint64_t segment_bytes) {
  PlanNeeds needs;
  std::uint64_t runners = 0, workers = 0, generators = 0, most = 0;
  for (const LoadPlan& load : plan.loads) {
    if (load.opened) {
      workers += std::max(load.opened->prefork, load.opened->min_workers);
      ++generators;
      most += kTasksPerSlotChild * std::uint64_t{load.opened->max_workers} + 1;
    } else {
      runners += load.processes;
      most += kTasksPerSlotChild * std::uint64_t{load.processes};
    }
  }
  needs.at_start = kTasksPerSlotChild * (runners + workers) + generators + 1;
  needs.at_most = most + 1;
  needs.start_what = StartWhat(runners, workers, generators);
  needs.start_option = StartOption(plan);
  needs.start_advice = StartAdvice(plan);
  needs.most_option = MostOption(plan);
  needs.shared_bytes = segment_bytes;
  return needs;
}

CapacityVerdict CheckCapacity(const PlanNeeds& needs, const MachineLimits& limits) {
  CapacityVerdict verdict;
  std::optional<Room> processes = ProcessRoom(limits);
  if (processes && needs.at_start > processes->more) {
    verdict.error = fmt::format(
        "{}: this run needs {} more tasks at its start ({}), but the machine allows {} more "
        "({}); {}",
        needs.start_option, needs.at_start, needs.start_what, processes->more, processes->because,
        needs.start_advice);
    return verdict;
  }
  std::optional<Room> memory = MemoryRoom(limits);
  if (memory && needs.shared_bytes > memory->more) {
    verdict.error = fmt::format(
        "this run's shared memory ({}, mostly the rings of its processes) is more than the machine "
        "can give ({}); lower --process or --maxworkers, or set a smaller --queue",
        HumanBytes(needs.shared_bytes), memory->because);
    return verdict;
  }
  if (processes && !needs.most_option.empty() && needs.at_most > processes->more) {
    verdict.warnings.push_back(fmt::format(
        "{}: this run may need up to {} more tasks, but the machine allows {} more ({}): "
        "the controller cannot start workers beyond that ceiling",
        needs.most_option, needs.at_most, processes->more, processes->because));
  }
  return verdict;
}

}  // namespace pylogen::plan
