// A Forker for the drivers' unit tests: forks nothing, hands out made-up
// pids, and fails with EAGAIN from the fork numbered `fail_from` (0-based)
// on, as a machine out of processes would.
#ifndef PYLOGEN_TESTS_UNIT_PROCESS_FAKE_FORKER_H_
#define PYLOGEN_TESTS_UNIT_PROCESS_FAKE_FORKER_H_

#include <cerrno>
#include <limits>
#include <string>
#include <vector>

#include "process/forker.h"

namespace pylogen::process {

class FakeForker : public Forker {
 public:
  explicit FakeForker(std::size_t fail_from = std::numeric_limits<std::size_t>::max())
      : fail_from_(fail_from) {}
  pid_t Fork(const std::string& role, const std::function<int()>&) override {
    roles.push_back(role);
    if (roles.size() > fail_from_) {
      errno = EAGAIN;
      return -1;
    }
    // Above any pid_max: a kill() of it reaches no real process.
    return static_cast<pid_t>(kFirstPid + roles.size() - 1);
  }
  static constexpr pid_t kFirstPid = 1 << 30;
  std::vector<std::string> roles;  // every fork asked for, in order

 private:
  std::size_t fail_from_;
};

}  // namespace pylogen::process

#endif  // PYLOGEN_TESTS_UNIT_PROCESS_FAKE_FORKER_H_
