// The controller's decisions, driven check by check with made-up observations.
#include "opened/controller.h"

#include <gtest/gtest.h>

namespace pylogen::opened {
namespace {

ControllerSettings Settings(std::uint32_t trigger, std::uint32_t decrease, std::uint32_t min,
                            std::uint32_t max) {
  return {trigger, decrease, min, max};
}

TEST(Controller, ScalesUpWhileTheBacklogIsAboveTrigger) {
  Controller c(Settings(3, 10, 1, 100));
  EXPECT_EQ(c.Check({3, 2, 0}), Decision::kNothing);  // at trigger: not above
  EXPECT_EQ(c.Check({4, 2, 0}), Decision::kAddWorker);
  EXPECT_EQ(c.Check({40, 3, 0}), Decision::kAddWorker);
}

TEST(Controller, NeverExceedsMaxWorkers) {
  Controller c(Settings(0, 10, 1, 4));
  EXPECT_EQ(c.Check({100, 3, 0}), Decision::kAddWorker);
  EXPECT_EQ(c.Check({100, 4, 0}), Decision::kNothing);
}

TEST(Controller, RestoresMinWorkers) {
  Controller c(Settings(3, 10, 2, 10));
  EXPECT_EQ(c.Check({0, 1, 1}), Decision::kAddWorker);
}

TEST(Controller, RetiresAnIdleWorkerAfterDecreaseEmptyChecks) {
  Controller c(Settings(3, 3, 1, 10));
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kRetireWorker);
  // The count starts again after a retirement.
  EXPECT_EQ(c.Check({0, 4, 4}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 4, 4}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 4, 4}), Decision::kRetireWorker);
}

TEST(Controller, ABacklogResetsTheEmptyCount) {
  Controller c(Settings(3, 3, 1, 10));
  c.Check({0, 5, 5});
  c.Check({0, 5, 5});
  EXPECT_EQ(c.Check({1, 5, 4}), Decision::kNothing);  // not empty
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kNothing);
  EXPECT_EQ(c.Check({0, 5, 5}), Decision::kRetireWorker);
}

TEST(Controller, NeverRetiresBelowMinWorkersNorABusyWorker) {
  Controller c(Settings(3, 1, 2, 10));
  EXPECT_EQ(c.Check({0, 2, 2}), Decision::kNothing);  // at the minimum
  EXPECT_EQ(c.Check({0, 3, 0}), Decision::kNothing);  // nobody idle
  EXPECT_EQ(c.Check({0, 3, 1}), Decision::kRetireWorker);
}

}  // namespace
}  // namespace pylogen::opened
