// Test CUT: writes which hook ran, in which process, for the README's hook
// order and teardown() guarantees (tests/integration/cut_lifecycle_test.cc).
// Each hook appends one line "<process_index> <hook>" to the file
// extra.log (func: "<process_index> func <length>"); teardown() writes
// "teardown" when it begins and "teardown-end" when it returns.
// extra.fail_setup = i: setup() of process i throws (default -1: none);
// extra.sleep: seconds each request sleeps (default 0); extra.teardown_sleep:
// seconds teardown() sleeps before it returns (default 0).
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "pylogen/cut.h"

namespace {

void Sleep(double seconds) {
  if (seconds <= 0) return;
  auto ns = static_cast<long long>(seconds * 1e9);
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

class Lifecycle : public pylogen::ClassUnderTest {
 public:
  void setup() override {
    Log("setup");
    if (extra().value("fail_setup", -1) == context().process_index) throw std::runtime_error("setup refused");
  }
  void teardown() override {
    Log("teardown");
    Sleep(extra().value("teardown_sleep", 0.0));
    Log("teardown-end");
  }
  void resetBeforeSteps() override { Log("steps"); }
  void resetBeforeStep() override { Log("step"); }
  void genDatas() override { Log("gen"); }
  void processDatas() override { Log("process"); }
  void func() override {
    Log("func " + std::string(length()));
    requests().exec("L", [this] { Sleep(extra().value("sleep", 0.0)); });
  }

 private:
  // One write(2) per line on an O_APPEND file: lines of several processes
  // never interleave.
  void Log(const std::string& hook) const {
    std::string path = extra().value("log", "");
    if (path.empty()) return;
    std::string line = std::to_string(context().process_index) + " " + hook + "\n";
    int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    [[maybe_unused]] ssize_t n = write(fd, line.data(), line.size());
    close(fd);
  }
};

}  // namespace

PYLOGEN_REGISTER_CUT(Lifecycle);
