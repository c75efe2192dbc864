#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace pylogen::testing {
namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void ExecChild(const RunSpec& spec, int out_fd, int err_fd) {
  setpgid(0, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (!spec.stderr_path.empty()) {
    int fd = open(spec.stderr_path.c_str(), O_WRONLY);
    if (fd < 0 || dup2(fd, 2) < 0) _exit(124);
  }
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(126);
  for (const auto& entry : spec.env) putenv(const_cast<char*>(entry.c_str()));
  if (spec.uid > 0) {
    if (setgroups(0, nullptr) != 0 || setgid(spec.uid) != 0 || setuid(spec.uid) != 0) _exit(125);
  }
  if (spec.nproc > 0) {
    rlimit limit{static_cast<rlim_t>(spec.nproc), static_cast<rlim_t>(spec.nproc)};
    if (setrlimit(RLIMIT_NPROC, &limit) != 0) _exit(125);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv;
  std::string binary = PYLOGEN_BINARY;
  argv.push_back(binary.data());
  std::vector<std::string> args = spec.args;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(binary.c_str(), argv.data());
  _exit(127);
}

// The pid of the process of group `pgid` whose comm is `comm`, 0 if none.
pid_t FindInGroup(pid_t pgid, const std::string& comm) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  pid_t found = 0;
  while (dirent* e = readdir(proc)) {
    int pid = atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat;
    std::getline(in, stat);
    auto open = stat.find('(');
    auto close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    int ppid = 0, group = 0;
    rest >> state >> ppid >> group;
    if (group == pgid && stat.substr(open + 1, close - open - 1) == comm) found = pid;
  }
  closedir(proc);
  return found;
}

// Sends `signal`; false when it names a process not there yet (a slow
// machine, ASan): it is sent once that process exists, never dropped.
bool Send(pid_t pid, const TimedSignal& signal) {
  pid_t target = signal.comm.empty() ? pid : FindInGroup(pid, signal.comm);
  if (target <= 0) return false;
  kill(target, signal.signo);
  return true;
}

bool ReadSome(int fd, std::string& into) {
  char buffer[65536];
  ssize_t n = read(fd, buffer, sizeof buffer);
  if (n > 0) into.append(buffer, static_cast<std::size_t>(n));
  return n > 0 || (n < 0 && errno == EINTR);
}

}  // namespace

RunResult RunPylogen(const std::vector<std::string>& args, double timeout_s) {
  RunSpec spec;
  spec.args = args;
  spec.timeout_s = timeout_s;
  return RunPylogen(spec);
}

RunResult RunPylogen(const RunSpec& spec) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  RunResult result;
  double start = Now();
  pid_t pid = fork();
  if (pid == 0) ExecChild(spec, out[1], err[1]);
  setpgid(pid, pid);
  result.pgid = pid;
  close(out[1]);
  close(err[1]);
  std::size_t next_signal = 0;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    double now = Now();
    if (now - start > spec.timeout_s) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
    }
    while (next_signal < spec.signals.size() && now - start >= spec.signals[next_signal].after_s &&
           Send(pid, spec.signals[next_signal])) {
      ++next_signal;
    }
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    poll(fds, 2, 20);
    if (fds[0].revents != 0) out_open = ReadSome(out[0], result.out);
    if (fds[1].revents != 0) err_open = ReadSome(err[0], result.err);
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  while (true) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (Now() - start > spec.timeout_s + 5) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
    }
    while (next_signal < spec.signals.size() && Now() - start >= spec.signals[next_signal].after_s &&
           Send(pid, spec.signals[next_signal])) {
      ++next_signal;
    }
    usleep(10000);
  }
  result.elapsed_s = Now() - start;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

bool GroupAlive(pid_t pgid) { return kill(-pgid, 0) == 0 || errno == EPERM; }

bool GroupGone(pid_t pgid, double timeout_s) {
  double start = Now();
  while (GroupAlive(pgid)) {
    if (Now() - start > timeout_s) return false;
    usleep(20000);
  }
  return true;
}

std::vector<std::string> ShmEntries() {
  std::vector<std::string> names;
  if (DIR* dir = opendir("/dev/shm")) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    }
    closedir(dir);
  }
  return names;
}

std::string TestCut(const std::string& name) { return std::string(PYLOGEN_TEST_CUT_DIR) + "/" + name; }
std::string SampleCut(const std::string& name) { return std::string(PYLOGEN_SAMPLE_CUT_DIR) + "/" + name; }

std::string TempPath(const std::string& name) {
  static std::string dir = [] {
    char pattern[] = "/tmp/pylogen-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    if (made == nullptr) throw std::runtime_error("mkdtemp");
    return std::string(made);
  }();
  static std::atomic<int> counter{0};
  return dir + "/" + std::to_string(counter++) + "-" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> EventLines(const std::string& text) {
  std::vector<std::string> lines;
  for (auto& line : Lines(text)) {
    if (line == "== pylogen summary ==") {
      if (!lines.empty() && lines.back().empty()) lines.pop_back();
      break;
    }
    lines.push_back(line);
  }
  return lines;
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (const auto& line : EventLines(text)) out.push_back(nlohmann::json::parse(line));
  return out;
}

nlohmann::json ReadJson(const std::string& path) { return nlohmann::json::parse(ReadFile(path)); }

std::size_t CountContaining(const std::vector<std::string>& lines, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& line : lines) n += line.find(needle) != std::string::npos;
  return n;
}

}  // namespace pylogen::testing
