// The controller's decisions, driven check by check with made-up
// observations, and a fake clock playing a schedule against a fluid model of
// the workers.
#include "opened/controller.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "schedule/schedule.h"

namespace pylogen::opened {
namespace {

ControllerSettings Settings(std::uint32_t trigger, std::uint32_t decrease, std::uint32_t min,
                            std::uint32_t max, double delay_s = 1, std::uint32_t concurrency = 1) {
  return {trigger, decrease, min, max, delay_s, concurrency};
}

// An observation whose counters make S known on the first check: `ops`
// operations of `service_s` each.
Observation Seen(std::uint64_t backlog, std::uint32_t workers, std::uint32_t idle, double rate,
                 double service_s, std::uint64_t ops = 100) {
  return {backlog,
          workers,
          idle,
          rate,
          ops,
          static_cast<std::uint64_t>(std::llround(service_s * 1e9 * static_cast<double>(ops)))};
}

// An observation before any operation completed: S unknown.
Observation Unknown(std::uint64_t backlog, std::uint32_t workers, std::uint32_t idle,
                    double rate = 0) {
  return {backlog, workers, idle, rate, 0, 0};
}

// ---- Sizing: one check from a fresh controller.

struct SizingCase {
  std::string name;
  ControllerSettings settings;
  Observation seen;
  Action action;
  std::uint32_t start;
  std::uint32_t target;
  bool known;  // S known
};

class ControllerSizingTest : public ::testing::TestWithParam<SizingCase> {};

TEST_P(ControllerSizingTest, GivesTheTargetAndTheDifference) {
  const SizingCase& c = GetParam();
  Controller controller(c.settings);
  Decision d = controller.Check(c.seen);
  EXPECT_EQ(d.action, c.action) << c.name;
  EXPECT_EQ(d.start, c.start) << c.name;
  EXPECT_EQ(d.target, c.target) << c.name;
  EXPECT_EQ(d.service_s.has_value(), c.known) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Controller, ControllerSizingTest,
    ::testing::Values(
        // Before any operation completed: today's rule, one worker above trigger.
        SizingCase{"unknown S, backlog above trigger", Settings(3, 10, 1, 100),
                   Unknown(4, 2, 0, 2000), Action::kStartWorkers, 1, 3, false},
        SizingCase{"unknown S, backlog at trigger", Settings(3, 10, 1, 100), Unknown(3, 2, 0, 2000),
                   Action::kNothing, 0, 2, false},
        SizingCase{"unknown S, at max", Settings(0, 10, 1, 4), Unknown(100, 4, 0), Action::kNothing,
                   0, 4, false},
        SizingCase{"unknown S, below min: all at once", Settings(3, 10, 5, 10), Unknown(0, 2, 2),
                   Action::kStartWorkers, 3, 5, false},
        // Little's law: 2000/s of 0.2 s calls are 400 in flight, + 1.
        SizingCase{"step to 2000/s, S 0.2 s", Settings(3, 10, 1, 1000), Seen(0, 1, 1, 2000, 0.2),
                   Action::kStartWorkers, 400, 401, true},
        SizingCase{"a backlog above trigger drains within T", Settings(3, 10, 1, 1000),
                   Seen(1000, 1, 0, 2000, 0.2), Action::kStartWorkers, 600, 601, true},
        SizingCase{"the backlog term scales with 1/T", Settings(3, 10, 1, 1000, 0.5),
                   Seen(1000, 1, 0, 0, 0.2), Action::kStartWorkers, 400, 401, true},
        SizingCase{"a backlog at trigger is ignored", Settings(3, 10, 1, 1000),
                   Seen(3, 1, 0, 10, 0.2), Action::kStartWorkers, 2, 3, true},
        SizingCase{"ignored below trigger, counted above", Settings(2, 10, 1, 1000),
                   Seen(3, 1, 0, 10, 0.2), Action::kStartWorkers, 3, 4, true},
        SizingCase{"concurrency 5000", Settings(3, 10, 1, 1000, 1, 5000), Seen(0, 1, 1, 2000, 0.2),
                   Action::kStartWorkers, 1, 2, true},
        SizingCase{"concurrency 5000, 10000 in flight", Settings(3, 10, 1, 1000, 1, 5000),
                   Seen(0, 1, 1, 10000, 1), Action::kStartWorkers, 2, 3, true},
        SizingCase{"bounded by maxworkers", Settings(3, 10, 1, 100), Seen(0, 1, 1, 2000, 0.2),
                   Action::kStartWorkers, 99, 100, true},
        SizingCase{"already there", Settings(3, 10, 1, 1000), Seen(0, 401, 1, 2000, 0.2),
                   Action::kNothing, 0, 401, true},
        SizingCase{"at least minworkers", Settings(3, 10, 4, 1000), Seen(0, 1, 1, 0, 0.2),
                   Action::kStartWorkers, 3, 4, true},
        SizingCase{"no rate, no backlog: one", Settings(3, 10, 1, 1000), Seen(0, 1, 1, 0, 0.2),
                   Action::kNothing, 0, 1, true},
        SizingCase{"fractions round up", Settings(3, 10, 1, 1000), Seen(0, 1, 1, 7, 0.15),
                   Action::kStartWorkers, 2, 3, true}),
    [](const ::testing::TestParamInfo<SizingCase>& info) {
      std::string name;
      for (char ch : info.param.name)
        name += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
      return name;
    });

// ---- The count wanted before the --maxworkers bound.

TEST(Controller, WantedIsTheCountBeforeMaxWorkers) {
  // The integration case: 200/s of 0.2 s calls, 10 per worker, at most 1 worker.
  Controller c(Settings(3, 10, 1, 1, 0.25, 10));
  Decision d = c.Check(Seen(50, 1, 0, 200, 0.2));
  EXPECT_EQ(d.target, 1u);
  // 200 x 0.2 = 40 in flight, the backlog 50 x 0.2 / 0.25 = 40 more: 80 / 10 + 1.
  EXPECT_EQ(d.wanted, 9u);
  EXPECT_EQ(d.action, Action::kNothing);
}

TEST(Controller, WantedEqualsTheTargetBelowTheBound) {
  Controller c(Settings(3, 10, 4, 1000));
  EXPECT_EQ(c.Check(Seen(0, 1, 1, 2000, 0.2)).wanted, 401u);
  Controller low(Settings(3, 10, 4, 1000));
  EXPECT_EQ(low.Check(Seen(0, 1, 1, 0, 0.2)).wanted, 4u);  // --minworkers still applies
}

TEST(Controller, WantedWhileServiceIsUnknownIsOneMore) {
  Controller c(Settings(0, 10, 1, 4));
  Decision d = c.Check(Unknown(100, 4, 0));
  EXPECT_EQ(d.target, 4u);
  EXPECT_EQ(d.wanted, 5u);
}

TEST(Controller, WantedSaturatesInsteadOfWrapping) {
  Controller c(Settings(3, 10, 1, 1000));
  Decision d = c.Check(Seen(0, 1, 1, 1e12, 1));
  EXPECT_EQ(d.wanted, UINT32_MAX);
  EXPECT_EQ(d.target, 1000u);
}

// ---- S from the counters.

TEST(Controller, ServiceTimeIsOverTheOperationsSinceTheLastCheck) {
  Controller c(Settings(3, 10, 1, 1000));
  EXPECT_FALSE(c.service_s().has_value());
  // 10 operations of 0.1 s, then 10 of 0.3 s: S follows the last ones.
  EXPECT_EQ(c.Check({0, 1, 1, 100, 10, 1'000'000'000}).target, 11u);
  EXPECT_DOUBLE_EQ(*c.service_s(), 0.1);
  EXPECT_EQ(c.Check({0, 11, 11, 100, 20, 4'000'000'000}).target, 31u);
  EXPECT_DOUBLE_EQ(*c.service_s(), 0.3);
}

TEST(Controller, KeepsTheLastServiceTimeWhenNothingCompleted) {
  Controller c(Settings(3, 10, 1, 1000));
  c.Check({0, 1, 1, 100, 10, 2'000'000'000});  // S = 0.2 s
  Decision d = c.Check({0, 21, 0, 500, 10, 2'000'000'000});
  ASSERT_TRUE(d.service_s.has_value());
  EXPECT_DOUBLE_EQ(*d.service_s, 0.2);
  EXPECT_EQ(d.target, 101u);
  EXPECT_EQ(d.start, 80u);
}

TEST(Controller, UnknownServiceTimeAddsOneWorkerPerCheckUntilOneCompletes) {
  Controller c(Settings(3, 10, 1, 1000, 0.5));
  // Operations of 2 s: nothing completes in the first checks.
  for (std::uint32_t workers = 1; workers <= 3; ++workers) {
    Decision d = c.Check(Unknown(10, workers, 0, 20));
    EXPECT_EQ(d.action, Action::kStartWorkers);
    EXPECT_EQ(d.start, 1u);
    EXPECT_FALSE(d.service_s.has_value());
  }
  // 5 completed: S = 2 s; 20/s of them need 40, the backlog 10 * 2 / 0.5 = 40 more.
  Decision d = c.Check({10, 4, 0, 20, 5, 10'000'000'000});
  EXPECT_EQ(d.target, 81u);
  EXPECT_EQ(d.start, 77u);
}

// ---- Retiring.

TEST(Controller, RetiresAnIdleWorkerOnlyAfterDecreaseEmptyChecks) {
  Controller c(Settings(3, 3, 1, 100));
  // 10/s of 0.1 s: 2 needed, 5 alive.
  EXPECT_EQ(c.Check(Seen(0, 5, 5, 10, 0.1)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 5, 5, 10, 0.1)).action, Action::kNothing);
  Decision d = c.Check(Seen(0, 5, 5, 10, 0.1));
  EXPECT_EQ(d.action, Action::kRetireWorker);
  EXPECT_EQ(d.target, 2u);
  // One at a time: the count starts again after a retirement.
  EXPECT_EQ(c.Check(Seen(0, 4, 4, 10, 0.1)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 4, 4, 10, 0.1)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 4, 4, 10, 0.1)).action, Action::kRetireWorker);
}

TEST(Controller, KeepsTheWorkersTheComingRateNeeds) {
  Controller c(Settings(3, 1, 1, 100));
  // The backlog is empty but 20/s of 0.2 s calls are coming: 5 needed.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(c.Check(Seen(0, 5, 5, 20, 0.2)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 6, 6, 20, 0.2)).action, Action::kRetireWorker);
}

TEST(Controller, ABacklogResetsTheEmptyCount) {
  Controller c(Settings(3, 3, 1, 10));
  c.Check(Seen(0, 5, 5, 0, 0.1));
  c.Check(Seen(0, 5, 5, 0, 0.1));
  EXPECT_EQ(c.Check(Seen(1, 5, 4, 0, 0.1)).action, Action::kNothing);  // not empty
  EXPECT_EQ(c.Check(Seen(0, 5, 5, 0, 0.1)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 5, 5, 0, 0.1)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Seen(0, 5, 5, 0, 0.1)).action, Action::kRetireWorker);
}

TEST(Controller, NeverRetiresBelowMinWorkersNorABusyWorker) {
  Controller c(Settings(3, 1, 2, 10));
  EXPECT_EQ(c.Check(Seen(0, 2, 2, 0, 0.1)).action, Action::kNothing);  // at the minimum
  EXPECT_EQ(c.Check(Seen(0, 3, 0, 0, 0.1)).action, Action::kNothing);  // nobody idle
  EXPECT_EQ(c.Check(Seen(0, 3, 1, 0, 0.1)).action, Action::kRetireWorker);
}

TEST(Controller, UnknownServiceTimeRetiresAsBefore) {
  Controller c(Settings(3, 2, 1, 10));
  EXPECT_EQ(c.Check(Unknown(0, 3, 3)).action, Action::kNothing);
  EXPECT_EQ(c.Check(Unknown(0, 3, 3)).action, Action::kRetireWorker);
}

// ---- A fake clock: the schedule played against a fluid model of workers
// serving `service_s` calls, one check every T.

class FakeLoad {
 public:
  FakeLoad(const std::string& schedule, double service_s, std::uint32_t workers)
      : schedule_(*schedule::Schedule::Parse(schedule)), service_s_(service_s), workers_(workers) {}

  // Plays [now, now + dt]: arrivals join the backlog, each worker serves dt / S.
  void Advance(double dt) {
    arrived_ += schedule_.IntegralTo(now_ + dt) - schedule_.IntegralTo(now_);
    now_ += dt;
    auto queued = static_cast<std::uint64_t>(std::floor(arrived_ + 1e-9)) - ops_;
    auto capacity = static_cast<std::uint64_t>(std::floor(workers_ * dt / service_s_ + 1e-9));
    served_ = std::min(queued, capacity);
    ops_ += served_;
    backlog_ = queued - served_;
  }

  Observation Observe(double delay_s) const {
    double busy = std::ceil(served_ * service_s_ / delay_s);
    auto idle = static_cast<std::uint32_t>(std::max(0.0, workers_ - busy));
    return {backlog_, workers_,
            idle,     schedule_.MaxRate(now_, now_ + delay_s + 1),
            ops_,     static_cast<std::uint64_t>(std::llround(ops_ * service_s_ * 1e9))};
  }

  void Apply(const Decision& d) {
    if (d.action == Action::kStartWorkers) workers_ += d.start;
    if (d.action == Action::kRetireWorker) workers_ -= 1;
  }

  double now() const { return now_; }
  std::uint32_t workers() const { return workers_; }
  std::uint64_t backlog() const { return backlog_; }

 private:
  schedule::Schedule schedule_;
  double service_s_;
  std::uint32_t workers_;
  double now_ = 0;
  double arrived_ = 0;
  std::uint64_t ops_ = 0;
  std::uint64_t served_ = 0;
  std::uint64_t backlog_ = 0;
};

TEST(Controller, FakeClockStepIsAnticipatedAndReachedInOneCheck) {
  const double delay = 1;
  Controller c(Settings(3, 10, 1, 1000, delay));
  FakeLoad load("10@10,10@2000,5@0", 0.2, 1);
  std::vector<std::uint32_t> targets, workers;
  for (int check = 0; check < 30; ++check) {  // at t = 1, 2, ... 30
    load.Advance(delay);
    Decision d = c.Check(load.Observe(delay));
    targets.push_back(d.target);
    load.Apply(d);
    workers.push_back(load.workers());
    // 2000/s after the step: the workers kept up with every second of it.
    if (load.now() > 10 && load.now() <= 20) {
      EXPECT_EQ(load.backlog(), 0u) << "at " << load.now();
    }
  }
  // t = 1: 10/s of 0.2 s need 2 in flight, + 1, + 1 for the 5 events that
  // waited for the lone preforked worker (backlog 5 > trigger 3).
  EXPECT_EQ(targets[0], 4u);
  EXPECT_EQ(workers[0], 4u);
  EXPECT_EQ(targets[1], 3u);  // t = 2: backlog gone
  EXPECT_EQ(targets[6], 3u);  // t = 7: [7, 9] is still at 10/s
  // t = 8: [8, 10] holds the step: 2000 x 0.2 + 1, all of them at once.
  EXPECT_EQ(targets[7], 401u);
  EXPECT_EQ(workers[6], 4u);
  EXPECT_EQ(workers[7], 401u);
  EXPECT_EQ(targets[18], 401u);  // t = 19: [19, 21] still holds 2000/s
  EXPECT_EQ(targets[19], 1u);    // t = 20: nothing more to come
  // One retirement per 10 empty checks: the count restarted at t = 18.
  EXPECT_EQ(workers[26], 401u);
  EXPECT_EQ(workers[27], 400u);
  EXPECT_EQ(workers[29], 400u);
}

TEST(Controller, FakeClockRetiresOneWorkerPerDecreaseChecksDownToTheMinimum) {
  const double delay = 0.5;
  Controller c(Settings(3, 4, 2, 1000, delay));
  FakeLoad load("5@100,30@1", 0.1, 1);
  std::vector<std::uint32_t> workers;
  for (int check = 0; check < 80; ++check) {  // at t = 0.5, 1, ... 40
    load.Advance(delay);
    Decision d = c.Check(load.Observe(delay));
    load.Apply(d);
    workers.push_back(load.workers());
  }
  // t = 0.5: 100/s of 0.1 s need 10 in flight, the 45 events queued behind
  // the lone preforked worker 45 x 0.1 / 0.5 = 9 more, + 1.
  EXPECT_EQ(workers[0], 20u);
  // Then an empty backlog, 11 needed while 100/s are coming, 2 (--minworkers)
  // after: one retirement every 4 checks, from t = 1.
  for (std::size_t i = 1; i < workers.size(); ++i) {
    EXPECT_EQ(workers[i], std::max<std::size_t>(2, 20 - i / 4)) << "check " << i;
  }
}

}  // namespace
}  // namespace pylogen::opened
