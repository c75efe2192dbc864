// The lines the processes of a run may each end with (a setup or a teardown
// that failed, an exception that escaped, a crash, a kill after the grace
// period, exceptions escaping loop callbacks, a CUT's stray Complete() calls
// and cancel() errors),
// said once per distinct text with the number of processes, not once per
// process: 50 runners failing the same way give one line,
// "50 runners failed setup: Dummy: setup failed: ...".
//
// When: the first process of a group is held back kHoldNs, so that
// processes failing together are said together; a group is said as soon as
// that hold is over (a long run whose first runner fails says so early) or
// its load has ended, whichever comes first. Processes that join a group
// after it was said are told when the load ends, or at the end of the run:
// one more line, with the group's total. A group of one names its process
// ("runner-3 failed setup: ...").
//
// Pure logic (times are given); supervisor process only. Not thread-safe.
#ifndef PYLOGEN_SUPERVISOR_REPEATED_LINES_H_
#define PYLOGEN_SUPERVISOR_REPEATED_LINES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "util/log.h"

namespace pylogen::supervisor {

// How a process ended, as far as a line on stderr goes.
enum class EndKind {
  kFailedSetup,     // could not start: its CUT or its loop (detail: the error)
  kCrashed,         // killed by a signal we did not send (detail: "killed by SIGSEGV")
  kKilledAfterGrace,  // still busy after the grace period: we killed it (no detail)
  kCallbackErrors,  // exceptions escaped its loop callbacks (detail: the first; amount: how many)
  kFailedTeardown,  // its CUT's teardown() failed (detail: the error)
  kEscaped,         // an exception escaped the process' own code (detail: the error)
  kStrayCompletions,  // its CUT's Complete() of operations not in flight (detail: the CUT; amount)
  kCancelErrors,    // its CUT's cancel() threw (detail: the first; amount: how many)
};

// One process' ending.
struct ProcessEnd {
  std::uint32_t load = 0;
  EndKind kind = EndKind::kFailedSetup;
  std::string role;    // "runner-3"
  std::string family;  // "runner" (plural: "runners")
  std::string detail;
  std::uint64_t amount = 0;  // kCallbackErrors, kStrayCompletions, kCancelErrors: of this process
};

// A line to print and its level.
struct Said {
  log::Level level;
  std::string text;
  bool operator==(const Said&) const = default;
};

// How long the first process of a group waits for others before it is said.
inline constexpr std::int64_t kHoldNs = 1'000'000'000;

class RepeatedLines {
 public:
  // A process ended so, at `now_ns`.
  void Add(const ProcessEnd& end, std::int64_t now_ns);
  // The groups whose hold is over and that were not said yet.
  std::vector<Said> Due(std::int64_t now_ns);
  // Load `load` has ended: its groups not said, or grown since.
  std::vector<Said> LoadEnded(std::uint32_t load);
  // The run is over: every group not said, or grown since.
  std::vector<Said> Flush();
  // When Due() has something next (INT64_MAX: nothing held).
  std::int64_t NextDeadline() const;

  // The text of a group of `count` processes (`first` names a group of one).
  static std::string Line(const ProcessEnd& first, std::uint64_t count, std::uint64_t amount);
  static log::Level LevelOf(EndKind kind);

 private:
  struct Group {
    ProcessEnd first;
    std::int64_t first_ns = 0;
    std::uint64_t count = 0;
    std::uint64_t amount = 0;
    std::uint64_t said_count = 0;  // count when last said (0: never)
  };
  static bool Same(const ProcessEnd& a, const ProcessEnd& b);
  static Said Say(Group& group);
  std::vector<Group> groups_;  // in order of their first process
};

}  // namespace pylogen::supervisor

#endif  // PYLOGEN_SUPERVISOR_REPEATED_LINES_H_
