// Runs the real pylogen binary for the integration tests: in its own process
// group (so that leftovers can be detected), with captured stdout/stderr, a
// time bound, and optional signals sent at given times.
#ifndef PYLOGEN_TESTS_INTEGRATION_HARNESS_H_
#define PYLOGEN_TESTS_INTEGRATION_HARNESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pylogen::testing {

struct TimedSignal {
  double after_s;
  int signo;
  std::string comm;  // empty: pylogen itself; else the process of its group with this name
};

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int term_signal = 0;
  bool timed_out = false;
  double elapsed_s = 0;
  std::string out;
  std::string err;
  pid_t pgid = 0;
};

struct RunSpec {
  std::vector<std::string> args;
  double timeout_s = 60;
  std::vector<TimedSignal> signals;
  std::string cwd;  // empty: the test's current directory
  std::vector<std::string> env;  // extra NAME=VALUE entries
  std::string stderr_path;       // non-empty: pylogen's stderr goes there (e.g. /dev/full)
  // > 0: run as this user (uid and gid; REQUIRES root) under RLIMIT_NPROC
  // `nproc`, a real limit on the processes it may fork.
  uid_t uid = 0;
  long nproc = 0;
};

RunResult RunPylogen(const RunSpec& spec);
RunResult RunPylogen(const std::vector<std::string>& args, double timeout_s = 60);

// True while any process of the group is alive.
bool GroupAlive(pid_t pgid);
// Waits up to timeout_s for the group to be gone.
bool GroupGone(pid_t pgid, double timeout_s = 5);
// Names of /dev/shm entries.
std::vector<std::string> ShmEntries();

std::string TestCut(const std::string& name);    // a purpose-built test CUT
std::string SampleCut(const std::string& name);  // a sample CUT (cuts/)
std::string TempPath(const std::string& name);   // a fresh path in a temp dir
std::string ReadFile(const std::string& path);
std::vector<std::string> Lines(const std::string& text);
// The lines of `text` before the summary ("== pylogen summary ==").
std::vector<std::string> EventLines(const std::string& text);
nlohmann::json ReadJson(const std::string& path);
// The event lines of `text` (--outformat json), parsed.
std::vector<nlohmann::json> JsonLines(const std::string& text);
// Counts lines containing `needle`.
std::size_t CountContaining(const std::vector<std::string>& lines, const std::string& needle);

}  // namespace pylogen::testing

#endif  // PYLOGEN_TESTS_INTEGRATION_HARNESS_H_
