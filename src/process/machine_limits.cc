#include "process/machine_limits.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace pylogen::process {
namespace {

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::uint64_t> ReadLimit(const std::string& path) {
  auto text = ReadText(path);
  return text ? ParseLimit(*text) : std::nullopt;
}

std::optional<std::uint64_t> NumberAfter(std::string_view text, std::string_view key) {
  std::size_t at = text.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(at + key.size());
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

// The cgroup directories from `path` up to its hierarchy's root, under each
// mount point where the hierarchy may be.
std::vector<std::string> CgroupDirs(const std::vector<std::string>& mounts, std::string path) {
  std::vector<std::string> dirs;
  while (true) {
    for (const std::string& mount : mounts) dirs.push_back(mount + (path == "/" ? "" : path));
    if (path == "/" || path.empty()) break;
    std::size_t slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return dirs;
}

std::uint64_t Room(std::uint64_t limit, std::uint64_t used) {
  return limit > used ? limit - used : 0;
}

// The tightest `max_file` - `current_file` among the dirs: sets max,
// current and dir.
void Tightest(const std::vector<std::string>& dirs, const char* max_file, const char* current_file,
              std::optional<std::uint64_t>& max, std::optional<std::uint64_t>& current,
              std::string& where) {
  for (const std::string& dir : dirs) {
    auto limit = ReadLimit(dir + "/" + max_file);
    if (!limit) continue;
    std::uint64_t used = ReadLimit(dir + "/" + current_file).value_or(0);
    if (!max || Room(*limit, used) < Room(*max, *current)) {
      max = limit;
      current = used;
      where = dir;
    }
  }
}

void ReadCgroups(const std::string& root, plan::MachineLimits& limits) {
  auto text = ReadText(root + "/proc/self/cgroup");
  if (!text) return;
  std::string fs = root + "/sys/fs/cgroup";
  std::vector<std::string> v2_mounts = {fs, fs + "/unified"};
  if (auto v2 = CgroupPath(*text, "")) {
    auto dirs = CgroupDirs(v2_mounts, *v2);
    Tightest(dirs, "pids.max", "pids.current", limits.cgroup_pids_max, limits.cgroup_pids_current,
             limits.cgroup_pids_dir);
    Tightest(dirs, "memory.max", "memory.current", limits.cgroup_memory_max,
             limits.cgroup_memory_current, limits.cgroup_memory_dir);
  }
  if (auto pids = CgroupPath(*text, "pids")) {
    Tightest(CgroupDirs({fs + "/pids"}, *pids), "pids.max", "pids.current", limits.cgroup_pids_max,
             limits.cgroup_pids_current, limits.cgroup_pids_dir);
  }
  if (auto memory = CgroupPath(*text, "memory")) {
    Tightest(CgroupDirs({fs + "/memory"}, *memory), "memory.limit_in_bytes",
             "memory.usage_in_bytes", limits.cgroup_memory_max, limits.cgroup_memory_current,
             limits.cgroup_memory_dir);
  }
}

// The kernel exempts the init user (uid 0) and CAP_SYS_RESOURCE or
// CAP_SYS_ADMIN holders from RLIMIT_NPROC (kernel/fork.c, copy_process).
bool NprocApplies(const std::string& root) {
  if (getuid() == 0) return false;
  auto status = ReadText(root + "/proc/self/status");
  if (!status) return true;
  std::size_t at = status->find("CapEff:");
  if (at == std::string::npos) return true;
  std::uint64_t caps = std::stoull(status->substr(at + 7), nullptr, 16);
  constexpr std::uint64_t kSysAdmin = 1ull << 21, kSysResource = 1ull << 24;
  return (caps & (kSysAdmin | kSysResource)) == 0;
}

// Tasks (threads) of processes whose real uid is `uid`.
std::uint64_t TasksOfUser(const std::string& root, uid_t uid) {
  std::uint64_t tasks = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(root + "/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    auto status = ReadText(entry.path().string() + "/status");
    if (!status || NumberAfter(*status, "Uid:") != uid) continue;
    tasks += NumberAfter(*status, "Threads:").value_or(1);
  }
  return tasks;
}

}  // namespace

std::optional<std::uint64_t> ParseLimit(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;      // "max", or not a number
  if (value >= (1ull << 62)) return std::nullopt;  // cgroup v1's "no limit"
  return value;
}

std::optional<std::string> CgroupPath(std::string_view text, std::string_view controller) {
  std::istringstream lines{std::string(text)};
  for (std::string line; std::getline(lines, line);) {
    std::size_t first = line.find(':');
    std::size_t second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string_view names = std::string_view(line).substr(first + 1, second - first - 1);
    bool match = controller.empty() ? names.empty() : false;
    for (std::size_t at = 0; !controller.empty() && at <= names.size();) {
      std::size_t comma = names.find(',', at);
      if (comma == std::string_view::npos) comma = names.size();
      match = match || names.substr(at, comma - at) == controller;
      at = comma + 1;
    }
    if (match) return line.substr(second + 1);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> MemAvailable(std::string_view meminfo) {
  auto kib = NumberAfter(meminfo, "MemAvailable:");
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

std::optional<std::uint64_t> LoadavgTasks(std::string_view loadavg) {
  std::size_t slash = loadavg.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  return ParseLimit(loadavg.substr(slash + 1));
}

plan::MachineLimits ReadMachineLimits(const std::string& root) {
  plan::MachineLimits limits;
  limits.pid_max = ReadLimit(root + "/proc/sys/kernel/pid_max");
  limits.threads_max = ReadLimit(root + "/proc/sys/kernel/threads-max");
  if (auto loadavg = ReadText(root + "/proc/loadavg")) limits.tasks = LoadavgTasks(*loadavg);
  if (auto meminfo = ReadText(root + "/proc/meminfo"))
    limits.mem_available = MemAvailable(*meminfo);
  rlimit nproc{};
  if (getrlimit(RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur != RLIM_INFINITY &&
      NprocApplies(root)) {
    limits.nproc_limit = nproc.rlim_cur;
    limits.user_tasks = TasksOfUser(root, getuid());
  }
  ReadCgroups(root, limits);
  return limits;
}

}  // namespace pylogen::process
