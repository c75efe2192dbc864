#include "process/child.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>

#include "util/log.h"

namespace pylogen::process {
namespace {

char* g_title = nullptr;
std::size_t g_title_size = 0;

void RunChild(const std::string& role, pid_t supervisor, const std::function<int()>& body) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != supervisor) _exit(1);  // the supervisor died before prctl
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  SetProcessTitle(role);
  log::SetRole(role);
  int code = 1;
  try {
    code = body();
  } catch (const std::exception& e) {
    log::Error("{}", e.what());
  } catch (...) {
    log::Error("unknown exception");
  }
  std::fflush(nullptr);  // what the CUT printed; _exit would drop it
  _exit(code);
}

}  // namespace

void InitProcessTitle(int argc, char** argv) {
  if (argc < 1) return;
  // argv strings are contiguous; the area ends after the last one.
  g_title = argv[0];
  char* end = argv[argc - 1] + std::strlen(argv[argc - 1]);
  g_title_size = static_cast<std::size_t>(end - g_title);
}

void SetProcessTitle(const std::string& role) {
  prctl(PR_SET_NAME, role.c_str(), 0, 0, 0);
  if (g_title == nullptr || g_title_size == 0) return;
  std::string title = "pylogen: " + role;
  std::size_t n = std::min(title.size(), g_title_size);
  std::memcpy(g_title, title.data(), n);
  std::memset(g_title + n, 0, g_title_size - n + 1);
}

void BlockRunSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, nullptr);
}

pid_t ForkChild(const std::string& role, const std::function<int()>& body) {
  std::fflush(nullptr);  // nothing buffered may be written twice
  pid_t supervisor = getpid();
  pid_t pid = fork();
  if (pid == 0) RunChild(role, supervisor, body);
  return pid;
}

}  // namespace pylogen::process
