// Options -> plan: the defaults of one place, --maxworkers as given, rings
// sized from the plan.
#include "cli/build_plan.h"

#include <gtest/gtest.h>

#include "opened/controller.h"
#include "plan/ring_sizing.h"

namespace pylogen::cli {
namespace {

class Blocking : public ClassUnderTest {
 public:
  void func() override {}
};
const CutDescriptor kBlocking = detail::DescriptorOf<Blocking>("Blocking");

plan::RunPlan Build(const std::vector<std::string>& args) {
  auto options = ParseCommandLine(args);
  EXPECT_TRUE(options.has_value()) << options.error().text;
  auto plan = BuildPlan(*options, {CutRef{&kBlocking, "Blocking", "/x/Blocking.so"}});
  EXPECT_TRUE(plan.has_value()) << plan.error();
  return std::move(*plan);
}

// What the command line, the options, the plan and the controller default to
// is plan/defaults.h, and --help says so.
TEST(BuildPlan, OpenedDefaultsAreThoseOfPlanDefaults) {
  plan::RunPlan p = Build({"cuts/Blocking", "--openedmodel"});
  const plan::OpenedPlan& o = *p.loads[0].opened;
  plan::OpenedPlan fresh;
  opened::ControllerSettings settings;
  for (std::uint32_t value : {o.prefork, fresh.prefork}) EXPECT_EQ(value, plan::kDefaultPrefork);
  for (std::uint32_t value : {o.trigger, fresh.trigger, settings.trigger})
    EXPECT_EQ(value, plan::kDefaultTrigger);
  for (std::uint32_t value : {o.decrease, fresh.decrease, settings.decrease})
    EXPECT_EQ(value, plan::kDefaultDecrease);
  for (std::uint32_t value : {o.min_workers, fresh.min_workers, settings.min_workers}) {
    EXPECT_EQ(value, plan::kDefaultMinWorkers);
  }
  for (std::uint32_t value : {o.max_workers, fresh.max_workers, settings.max_workers}) {
    EXPECT_EQ(value, plan::kDefaultMaxWorkers);
  }
  EXPECT_EQ(o.controller_delay_s, plan::kDefaultControllerDelayS);
  EXPECT_EQ(fresh.controller_delay_s, plan::kDefaultControllerDelayS);
  EXPECT_EQ(p.jobs_capacity, plan::kDefaultJobs);
  auto help = ParseCommandLine({"--help"});
  ASSERT_FALSE(help.has_value());
  EXPECT_NE(help.error().text.find("--maxworkers N              Most workers alive at once (at "
                                   "most 100000) (default: 1000)"),
            std::string::npos)
      << help.error().text;
  EXPECT_NE(help.error().text.find("(default: 10, at most --maxworkers)"), std::string::npos)
      << help.error().text;
}

TEST(BuildPlan, MaxworkersIsNotClamped) {
  plan::RunPlan p =
      Build({"cuts/Blocking", "--openedmodel", "--maxworkers", "2000", "--prefork", "300"});
  EXPECT_EQ(p.loads[0].opened->max_workers, 2000u);
  EXPECT_EQ(p.loads[0].processes, 2000u);
  EXPECT_EQ(p.slot_count, 2000u);
  EXPECT_EQ(p.loads[0].opened->prefork, 300u);
}

TEST(BuildPlan, RingsAreSizedOrForced) {
  plan::RunPlan automatic = Build({"cuts/Blocking", "--process", "4"});
  EXPECT_EQ(automatic.loads[0].ring_capacity, plan::AutoRingCapacity(4));
  EXPECT_EQ(automatic.ring_budget_bytes, plan::kRingBudgetBytes);
  EXPECT_EQ(automatic.RingCapacities().size(), 4u);
  plan::RunPlan forced = Build({"cuts/Blocking", "--process", "4", "--queue", "8"});
  EXPECT_EQ(forced.loads[0].ring_capacity, 8u);
}

}  // namespace
}  // namespace pylogen::cli
