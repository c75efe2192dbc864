// The opened model's controller decisions (DESIGN §4), as a pure class: the
// supervisor feeds it what it observes every --controllerDelay and acts on
// the decision (start N workers at once, retire one). No clock, no syscall:
// unit-tested with made-up observations and a fake clock.
//
// Sizing, from Little's law. At each check, with
//   λ  the schedule's highest rate over the next T + 1 s (events/s),
//   S  the mean service time of the operations completed since the previous
//      check (from the workers' cumulative counters; when none completed, the
//      last S known),
//   B  the backlog (events queued, not yet taken by a worker),
//   T  --controllerDelay, C the load's concurrency (1 for a blocking CUT),
// the needed count is
//   target = ceil((λ·S + B·S/T) / C) + 1
// bounded to [--minworkers, --maxworkers] (the count before the upper bound
// is kept as Decision::wanted: the opened driver reports a load that wanted
// more than --maxworkers). λ·S is the calls in flight the
// coming rate needs, so that a ramp or a step is anticipated; B·S/T the
// workers that drain the backlog within T, which λ·S alone never would; the
// + 1 a spare for the rounding and the noise of S. --trigger stays the
// backlog threshold: the B·S/T term only counts when B > --trigger (a small
// backlog is the normal jitter of arrivals, not a lack of workers). The
// difference target − alive is started at once.
//
// Until S is known (no operation has completed yet), the rule is the old
// one: one more worker per check while B > --trigger (and up to
// --minworkers at once), the target then being alive + 1.
//
// Retiring: after --decrease consecutive checks with an empty backlog, one
// idle worker is asked to exit if the target is below the alive count (any
// count while S is unknown) and the alive count above --minworkers; the count
// of empty checks then starts again, whether a worker retired or not. A check
// that starts workers or sees a backlog restarts it too.
#ifndef PYLOGEN_OPENED_CONTROLLER_H_
#define PYLOGEN_OPENED_CONTROLLER_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "plan/defaults.h"

namespace pylogen::opened {

struct ControllerSettings {
  std::uint32_t trigger = plan::kDefaultTrigger;    // backlog above which it counts (B·S/T; +1 while S is unknown)
  std::uint32_t decrease = plan::kDefaultDecrease;  // consecutive empty-backlog checks before a retirement
  std::uint32_t min_workers = plan::kDefaultMinWorkers;
  std::uint32_t max_workers = plan::kDefaultMaxWorkers;
  double delay_s = plan::kDefaultControllerDelayS;  // T, --controllerDelay: the period of the checks
  std::uint32_t concurrency = 1;  // C, operations in flight per worker
};

// What the supervisor sees at one check.
struct Observation {
  std::uint64_t backlog = 0;  // B: events queued, not yet taken by a worker
  std::uint32_t workers = 0;  // workers alive (started and not retiring)
  std::uint32_t idle = 0;     // of which waiting for an event
  double rate = 0;            // λ: the schedule's highest rate over the next T + 1 s
  // Cumulative over every worker the load ever had (ended ones included):
  std::uint64_t ops = 0;         // operations reported
  std::uint64_t service_ns = 0;  // the sum of their service times
};

enum class Action {
  kNothing,
  kStartWorkers,  // start Decision::start workers now
  kRetireWorker,  // ask one idle worker to exit
};

struct Decision {
  Action action = Action::kNothing;
  std::uint32_t start = 0;          // kStartWorkers: how many (target − alive)
  std::uint32_t target = 0;         // the needed worker count this check computed
  // The needed count before the --maxworkers bound (saturated at 2^32 - 1):
  // above max_workers, the load wanted more workers than it may have.
  std::uint32_t wanted = 0;
  std::optional<double> service_s;  // S used; none: not known yet (the old rule applied)
};

class Controller {
 public:
  explicit Controller(ControllerSettings settings) : settings_(settings) {}

  Decision Check(const Observation& seen) {
    UpdateService(seen);
    const ControllerSettings& s = settings_;
    bool above_trigger = seen.backlog > s.trigger;
    Decision d;
    d.service_s = service_s();
    double needed = seen.workers + (above_trigger ? 1.0 : 0.0);
    if (service_known_) {
      double backlog_term = above_trigger ? seen.backlog * service_s_ / s.delay_s : 0;
      double in_flight = seen.rate * service_s_ + backlog_term;
      // A millionth of a worker of slack, so that rounding in S never adds one.
      needed = std::ceil(in_flight / std::max(s.concurrency, 1u) - 1e-6) + 1;
    }
    needed = std::max<double>(needed, s.min_workers);
    d.wanted = static_cast<std::uint32_t>(std::min<double>(needed, UINT32_MAX));
    d.target = std::min(d.wanted, s.max_workers);
    if (d.target > seen.workers) {
      empty_checks_ = 0;
      d.action = Action::kStartWorkers;
      d.start = d.target - seen.workers;
      return d;
    }
    if (seen.backlog != 0) {
      empty_checks_ = 0;
      return d;
    }
    if (++empty_checks_ < s.decrease) return d;
    empty_checks_ = 0;
    bool surplus = !service_known_ || d.target < seen.workers;
    if (surplus && seen.workers > s.min_workers && seen.idle > 0) d.action = Action::kRetireWorker;
    return d;
  }

  const ControllerSettings& settings() const { return settings_; }
  // S as of the last check; none until an operation has completed.
  std::optional<double> service_s() const {
    return service_known_ ? std::optional<double>(service_s_) : std::nullopt;
  }

 private:
  // S over the operations completed since the previous check; kept when
  // none completed.
  void UpdateService(const Observation& seen) {
    if (seen.ops > last_ops_ && seen.service_ns >= last_service_ns_) {
      service_s_ = static_cast<double>(seen.service_ns - last_service_ns_) / 1e9 /
                   static_cast<double>(seen.ops - last_ops_);
      service_known_ = true;
    }
    last_ops_ = seen.ops;
    last_service_ns_ = seen.service_ns;
  }

  ControllerSettings settings_;
  std::uint32_t empty_checks_ = 0;
  std::uint64_t last_ops_ = 0;
  std::uint64_t last_service_ns_ = 0;
  double service_s_ = 0;  // S, when service_known_
  bool service_known_ = false;
};

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_CONTROLLER_H_
