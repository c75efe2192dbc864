// The report's time series (issue 12, item 2) with the real binary: schema
// 2, intervals on multiples of --summary, a latency step in the right one.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <time.h>

#include <cstdint>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::int64_t WallNanos() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// Intervals of `report` are contiguous multiples of s_ns and add up to the
// run's requests.
void ExpectLinedUp(const nlohmann::json& report, std::int64_t s_ns) {
  ASSERT_EQ(report["schema"], 2);
  const nlohmann::json& intervals = report["intervals"];
  ASSERT_TRUE(intervals.is_array());
  ASSERT_FALSE(intervals.empty());
  std::uint64_t requests = 0;
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const nlohmann::json& iv = intervals[i];
    std::int64_t start = iv["start_ns"], end = iv["end_ns"];
    EXPECT_EQ(start % s_ns, 0) << iv.dump();
    EXPECT_EQ(end - start, s_ns);
    if (i > 0) {
      EXPECT_EQ(start, intervals[i - 1]["end_ns"].get<std::int64_t>());
    }
    EXPECT_TRUE(iv["start"].is_string());
    EXPECT_TRUE(iv["histogram"].is_object());
    ASSERT_TRUE(iv["ids"].is_array());
    requests += iv["requests"].get<std::uint64_t>();
  }
  EXPECT_EQ(requests, report["requests"]["count"].get<std::uint64_t>());
}

TEST(Intervals, ALatencyStepShowsInTheIntervalWhereItHappened) {
  constexpr std::int64_t kS = 500'000'000;        // --summary 0.5
  std::int64_t at = (WallNanos() / kS + 3) * kS;  // 1 to 1.5 s from now, on a boundary
  std::string report_path = TempPath("step.json");
  auto r = RunPylogen({TestCut("Step"), "--process", "2", "--duration", "3", "--summary", "0.5",
                       "--id", "STEP", "--outformat", "none", "--report", report_path, "--extra",
                       fmt::format(R"({{"at_ns":{},"before_ms":1,"after_ms":30}})", at)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = ReadJson(report_path);
  ExpectLinedUp(report, kS);
  int before = 0, after = 0;
  const nlohmann::json& intervals = report["intervals"];
  for (std::size_t i = 0; i < intervals.size(); ++i) {
    const nlohmann::json& iv = intervals[i];
    std::int64_t start = iv["start_ns"], end = iv["end_ns"];
    if (iv["requests"] == 0) continue;
    // The first and last intervals are partial: their rate is over the few
    // milliseconds the run covered of them, a handful of requests (4 in
    // 38 ms read 105/s): only whole intervals' rates are compared.
    const bool whole = i != 0 && i + 1 != intervals.size();
    EXPECT_EQ(iv["errors"], 0);
    ASSERT_EQ(iv["ids"].size(), 1u);
    EXPECT_EQ(iv["ids"][0]["id"], "STEP");
    EXPECT_EQ(iv["ids"][0]["requests"], iv["requests"]);
    EXPECT_FALSE(iv.contains("service"));
    EXPECT_TRUE(iv["target_rate"].is_null());
    if (end <= at) {
      ++before;
      EXPECT_LT(iv["max_ns"].get<std::int64_t>(), 20'000'000) << iv.dump();
      if (whole) {
        EXPECT_GT(iv["rate"].get<double>(), 100) << iv.dump();
      }
    } else if (start >= at) {
      ++after;
      EXPECT_GE(iv["p50_ns"].get<std::int64_t>(), 30'000'000) << iv.dump();
      if (whole) {
        EXPECT_LT(iv["rate"].get<double>(), 100) << iv.dump();
      }
    }
  }
  EXPECT_GE(before, 1);
  EXPECT_GE(after, 2);
  // The step's own interval starts at `at`: it is there and slow.
  bool found = false;
  for (const nlohmann::json& iv : report["intervals"]) found = found || iv["start_ns"] == at;
  EXPECT_TRUE(found);
}

TEST(Intervals, OpenedModelHasServiceWaitAndTheTargetRate) {
  std::string report_path = TempPath("opened.json");
  auto r =
      RunPylogen({SampleCut("Dummy"), "--openedmodel", "--schedule", "2@40", "--prefork", "2",
                  "--report", report_path, "--outformat", "none", "--extra", R"({"sleep":0.002})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = ReadJson(report_path);
  ExpectLinedUp(report, 1'000'000'000);
  int full = 0;
  for (const nlohmann::json& iv : report["intervals"]) {
    if (iv["requests"] == 0) continue;
    ASSERT_TRUE(iv.contains("service")) << iv.dump();
    ASSERT_TRUE(iv.contains("wait"));
    EXPECT_GE(iv["service"]["p50_ns"].get<std::int64_t>(), 2'000'000);
    EXPECT_TRUE(iv["ids"][0].contains("wait"));
    EXPECT_GE(iv["p50_ns"].get<std::int64_t>(), iv["service"]["p50_ns"].get<std::int64_t>());
    // The schedule's rate at the interval's middle (40/s inside the
    // schedule, 0 past it).
    ASSERT_TRUE(iv["target_rate"].is_number()) << iv.dump();
    double target = iv["target_rate"];
    EXPECT_TRUE(target == 40 || target == 0) << target;
    full += target == 40;
    EXPECT_GE(iv["workers_running"].get<int>(), 1);
  }
  EXPECT_GE(full, 1);
}

TEST(Intervals, NoSpoolDirectoryGivesAWarningAndAnEmptyList) {
  std::string report_path = TempPath("nospool.json");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--loops", "3", "--report", report_path, "--extra",
               R"({"sleep":0})"};
  spec.env = {"TMPDIR=/nonexistent-pylogen-tmp"};
  auto r = RunPylogen(spec);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json report = ReadJson(report_path);
  EXPECT_EQ(report["schema"], 2);
  EXPECT_EQ(report["intervals"], nlohmann::json::array());
  bool warned = false;
  for (const auto& w : report["warnings"]) {
    warned = warned || w.get<std::string>().find("no time series in the report: cannot make the time "
                                                 "series' spool file in '/nonexistent-pylogen-tmp'") !=
                           std::string::npos;
  }
  EXPECT_TRUE(warned) << report["warnings"].dump();
}

}  // namespace
}  // namespace pylogen::testing
