// Test CUT: prints on its stdout in every phase, by every means a CUT has
// (printf, std::cout, write(1, ...)), for the tests of the relay of a CUT's
// stdout (process/cut_stdout.h). Every line names its phase and the pid, so
// that a test finds each one once per process:
//   "chatty <phase> <means> pid=<pid>"
// phases: ctor, setup, exec-<n> (n = the process' call, from 1), teardown.
// Also a long line "chatty long pid=<pid> " + 10000 'x' (in setup), and, as
// the very last thing teardown prints, "chatty last pid=<pid>" without a
// newline.
// Its static constructor prints "chatty static-init pid=<pid>" (in the
// supervisor, at dlopen) and its static destructor "chatty static-fini
// pid=<pid>" (at dlclose or exit).
// extra.repeat (default 1): each exec-<n> printf line is printed that many
// times, with " #<i>" added, to fill the pipe (64 KiB) many times over.
// extra.fork_sleeper (seconds, default 0): setup() forks a process that
// closes its stdin and stderr (so that a test reading pylogen's stderr sees
// its end), then sleeps that long holding the stdout pipe and the other fds
// it inherited, without exec: the relay must not wait for it. setup() then
// prints "chatty sleeper pid=<its pid>".
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "pylogen/cut.h"

namespace {

std::string Tag(const std::string& phase, const char* means) {
  return "chatty " + phase + " " + means + " pid=" + std::to_string(::getpid());
}

void Say(const std::string& phase) {
  std::printf("%s\n", Tag(phase, "printf").c_str());
  std::cout << Tag(phase, "cout") << '\n';
  std::string raw = Tag(phase, "write") + "\n";
  // stdio's buffers first: write(1) would otherwise come before them.
  std::cout.flush();
  std::fflush(stdout);
  ssize_t ignored = ::write(STDOUT_FILENO, raw.data(), raw.size());
  (void)ignored;
}

// The library's static constructor and destructor.
struct Banner {
  Banner() { std::printf("chatty static-init pid=%d\n", static_cast<int>(::getpid())); }
  ~Banner() { std::printf("chatty static-fini pid=%d\n", static_cast<int>(::getpid())); }
} banner;

}  // namespace

class Chatty : public pylogen::ClassUnderTest {
 public:
  Chatty() { Say("ctor"); }

  void setup() override {
    Say("setup");
    repeat_ = extra().value("repeat", 1);
    if (double sleep_s = extra().value("fork_sleeper", 0.0); sleep_s > 0) {
      std::fflush(stdout);
      pid_t sleeper = ::fork();
      if (sleeper == 0) {
        ::close(STDIN_FILENO);
        ::close(STDERR_FILENO);
        ::usleep(static_cast<useconds_t>(sleep_s * 1e6));
        ::_exit(0);
      }
      std::printf("chatty sleeper pid=%d\n", static_cast<int>(sleeper));
    }
    std::printf("chatty long pid=%d %s\n", static_cast<int>(::getpid()), std::string(10000, 'x').c_str());
  }

  void func() override {
    ++calls_;
    std::string phase = "exec-" + std::to_string(calls_);
    requests().exec("CHAT", [&] {
      Say(phase);
      for (int i = 1; i < repeat_; ++i) std::printf("%s #%d\n", Tag(phase, "printf").c_str(), i);
    });
  }

  void teardown() override {
    Say("teardown");
    std::printf("chatty last pid=%d", static_cast<int>(::getpid()));
  }

 private:
  int calls_ = 0;
  int repeat_ = 1;
};

PYLOGEN_REGISTER_CUT(Chatty);
