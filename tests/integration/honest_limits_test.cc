// Honest limits, end to end: an opened load that needs more calls in flight
// than --maxworkers x --concurrency allow is named in the summary and the
// report, with what to raise; an event-driven worker reports its own loop.
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

TEST(HonestLimits, AnOpenedLoadAtItsLimitSaysSoAndWhatToRaise) {
  // 200/s of 0.1 s calls need about 20 in flight; one worker holds 10.
  std::string report = TempPath("limit.json");
  auto r = RunPylogen({SampleCut("AsyncDummy"), "--openedmodel", "--schedule", "1@200",
                       "--concurrency", "10", "--prefork", "1", "--maxworkers", "1",
                       "--controllerDelay", "0.25", "--extra", R"({"sleep":0.1})", "--outformat",
                       "none", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  const auto& opened = j["opened"][0];
  EXPECT_EQ(opened["events"]["served"], 200);
  const auto& limit = opened["limit"];
  EXPECT_EQ(limit["reached"], true) << limit.dump();
  EXPECT_TRUE(limit["since"].is_string()) << limit.dump();
  EXPECT_GT(limit["wanted_workers"].get<int>(), 1) << limit.dump();
  EXPECT_EQ(limit["max_workers"], 1);
  EXPECT_EQ(limit["concurrency"], 10);
  EXPECT_GE(limit["capped_checks"].get<int>(), 1);
  EXPECT_GT(limit["events_waited_longer_than_service"].get<int>(), 0) << limit.dump();
  EXPECT_NE(r.out.find("AsyncDummy: reached --maxworkers 1 x --concurrency 10 = 10 calls in "
                       "flight from "),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("events waited longer than their own service time: raise --maxworkers "
                       "or --concurrency"),
            std::string::npos) << r.out;
  // The worker's own loop: its sleeps are timers.
  ASSERT_EQ(j["workers"].size(), 1u);
  const auto& loop = j["workers"][0]["loop"];
  ASSERT_TRUE(loop.is_object()) << j["workers"][0].dump();
  EXPECT_GE(loop["timers"].get<int>(), 200) << loop.dump();
  EXPECT_GT(loop["cpu_s"].get<double>(), 0) << loop.dump();
  EXPECT_GT(loop["lag_max_ns"].get<std::int64_t>(), 0) << loop.dump();
  EXPECT_EQ(loop["callback_errors"], 0);
}

}  // namespace
}  // namespace pylogen::testing
