// --threshold: repeatable, run-level, checked at parse time on both the CUT
// and the scenario command lines.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "cli/build_plan.h"
#include "cli/options.h"

namespace pylogen::cli {
namespace {

using Args = std::vector<std::string>;

TEST(ThresholdOption, RepeatableInTheOrderGiven) {
  auto r = ParseCommandLine({"cuts/Dummy", "--threshold", "p99<50ms", "--threshold=errors<1%"});
  ASSERT_TRUE(r.has_value()) << r.error().text;
  ASSERT_EQ(r->thresholds.size(), 2u);
  EXPECT_EQ(r->thresholds[0].expression, "p99<50ms");
  EXPECT_EQ(r->thresholds[1].expression, "errors<1%");
}

TEST(ThresholdOption, APrefixOfItIsAccepted) {
  auto r = ParseCommandLine({"cuts/Dummy", "--thresh", "max<2s"});
  ASSERT_TRUE(r.has_value()) << r.error().text;
  ASSERT_EQ(r->thresholds.size(), 1u);
}

TEST(ThresholdOption, MalformedIsUsageErrorNamingOptionExpressionAndPosition) {
  auto r = ParseCommandLine({"cuts/Dummy", "--threshold", "p99<1s", "--threshold", "p99<50"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().exit_code, 2);
  EXPECT_EQ(r.error().text,
            "--threshold: 'p99<50': at character 7 (the end), expected a unit ns, us, µs, ms, s or m");
}

TEST(ThresholdOption, EmptyValueIsRefused) {
  auto r = ParseCommandLine({"cuts/Dummy", "--threshold", ""});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().text, "--threshold: empty value (expected an expression such as p99<50ms)");
}

TEST(ThresholdOption, AtMostAHundred) {
  Args args{"cuts/Dummy"};
  for (std::size_t i = 0; i <= thresholds::kMaxThresholds; ++i) {
    args.push_back("--threshold");
    args.push_back("count>0");
  }
  auto r = ParseCommandLine(args);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().text, "--threshold: more than 100 given");
  args.resize(args.size() - 2);
  EXPECT_TRUE(ParseCommandLine(args).has_value());
}

TEST(ThresholdOption, OnTheScenarioCommandLine) {
  std::string path = ::testing::TempDir() + "threshold_scenario_" + std::to_string(getpid()) + ".txt";
  std::ofstream(path) << "cuts/Dummy --id web\n";
  auto r = ParseCommandLine({"scenario", "--file", path, "--threshold", "p99(web)<1s"});
  ASSERT_TRUE(r.has_value()) << r.error().text;
  ASSERT_EQ(r->thresholds.size(), 1u);
  EXPECT_EQ(r->thresholds[0].selector, "web");
  auto bad = ParseCommandLine({"scenario", "--file", path, "--threshold", "p99<<1s"});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().exit_code, 2);
  EXPECT_NE(bad.error().text.find("--threshold: 'p99<<1s': at character 5"), std::string::npos)
      << bad.error().text;
  unlink(path.c_str());
}

}  // namespace
}  // namespace pylogen::cli
