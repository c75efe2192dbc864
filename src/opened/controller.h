// The opened model's controller decisions (DESIGN §4), as a pure class: the
// supervisor feeds it what it observes every --controllerDelay and acts on
// the decision (fork a worker, retire one). No clock, no syscall: unit-tested
// with made-up observations.
#ifndef PYLOGEN_OPENED_CONTROLLER_H_
#define PYLOGEN_OPENED_CONTROLLER_H_

#include <cstdint>

#include "plan/defaults.h"

namespace pylogen::opened {

struct ControllerSettings {
  std::uint32_t trigger = plan::kDefaultTrigger;     // backlog above which a worker is added
  std::uint32_t decrease = plan::kDefaultDecrease;   // consecutive empty-backlog checks before a retirement
  std::uint32_t min_workers = plan::kDefaultMinWorkers;
  std::uint32_t max_workers = plan::kDefaultMaxWorkers;
};

// What the supervisor sees at one check.
struct Observation {
  std::uint64_t backlog = 0;     // events queued, not yet taken by a worker
  std::uint32_t workers = 0;     // workers alive (started and not retiring)
  std::uint32_t idle = 0;        // of which waiting for an event
};

enum class Decision {
  kNothing,
  kAddWorker,     // fork one more worker, and check again sooner
  kRetireWorker,  // ask one idle worker to exit
};

class Controller {
 public:
  explicit Controller(ControllerSettings settings) : settings_(settings) {}

  Decision Check(const Observation& seen) {
    if (seen.workers < settings_.min_workers) {
      empty_checks_ = 0;
      return Decision::kAddWorker;
    }
    if (seen.backlog > settings_.trigger) {
      empty_checks_ = 0;
      return seen.workers < settings_.max_workers ? Decision::kAddWorker : Decision::kNothing;
    }
    if (seen.backlog != 0) {
      empty_checks_ = 0;
      return Decision::kNothing;
    }
    if (++empty_checks_ < settings_.decrease) return Decision::kNothing;
    empty_checks_ = 0;
    bool can_retire = seen.workers > settings_.min_workers && seen.idle > 0;
    return can_retire ? Decision::kRetireWorker : Decision::kNothing;
  }

  const ControllerSettings& settings() const { return settings_; }

 private:
  ControllerSettings settings_;
  std::uint32_t empty_checks_ = 0;
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_CONTROLLER_H_
