// The thresholds in the summary text (broken first, marked) and the report.
#include "output/threshold_summary.h"

#include <cstring>

#include <gtest/gtest.h>

#include "output/run_summary.h"

namespace pylogen::output {
namespace {

stats::Record Request(std::int64_t service, int rc = 0) {
  stats::Record r{};
  r.kind = stats::RecordKind::kRequest;
  r.begin_ns = 1'000'000'000;
  r.service_ns = service;
  r.rc = rc;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, "R_0");
  return r;
}

std::vector<thresholds::Threshold> List(std::initializer_list<const char*> texts) {
  std::vector<thresholds::Threshold> list;
  for (const char* text : texts) list.push_back(*thresholds::ParseThreshold(text));
  return list;
}

class ThresholdSummaryTest : public ::testing::Test {
 protected:
  ThresholdSummaryTest() : agg_({"ID"}, {"Cut"}) {
    for (int i = 0; i < 4; ++i) agg_.Add(0, Request(2'000'000, i == 0));
    summary_.stats = &agg_;
    summary_.duration_s = 2.0;
  }
  stats::Aggregator agg_;
  RunSummary summary_;
};

TEST_F(ThresholdSummaryTest, BrokenOnesComeFirstAndAreMarked) {
  summary_.thresholds =
      EvaluateThresholds(List({"max<1s", "p99<1ms", "errors<1%", "wait:max<1s", "rate>=2"}), summary_);
  std::string text = ThresholdsText(summary_.thresholds);
  EXPECT_NE(text.find("thresholds: 3 of 5 broken (exit code 99)\n"), std::string::npos) << text;
  std::size_t p99 = text.find("BROKEN  p99<1ms");
  std::size_t errors = text.find("BROKEN  errors<1%");
  std::size_t wait = text.find("BROKEN  wait:max<1s");
  std::size_t max = text.find("ok      max<1s");
  std::size_t rate = text.find("ok      rate>=2");
  ASSERT_NE(p99, std::string::npos) << text;
  ASSERT_NE(max, std::string::npos) << text;
  EXPECT_LT(p99, errors);
  EXPECT_LT(errors, wait);
  EXPECT_LT(wait, max);
  EXPECT_LT(max, rate);
  EXPECT_NE(text.find("observed 2.00ms"), std::string::npos) << text;
  EXPECT_NE(text.find("observed 25.00%"), std::string::npos) << text;
  EXPECT_NE(text.find("observed no data"), std::string::npos) << text;
  EXPECT_NE(text.find("observed 2.0/s"), std::string::npos) << text;
}

TEST_F(ThresholdSummaryTest, TheSummaryTextListsThemNearTheTop) {
  summary_.thresholds = EvaluateThresholds(List({"count==4"}), summary_);
  std::string text = SummaryText(summary_);
  std::size_t at = text.find("thresholds: 0 of 1 broken\n");
  ASSERT_NE(at, std::string::npos) << text;
  EXPECT_LT(at, text.find("per name"));
  EXPECT_NE(text.find("ok      count==4"), std::string::npos);
}

TEST_F(ThresholdSummaryTest, NoThresholdNoSection) {
  EXPECT_EQ(ThresholdsText({}), "");
  EXPECT_EQ(SummaryText(summary_).find("thresholds"), std::string::npos);
  EXPECT_EQ(SummaryJson(summary_)["thresholds"], nlohmann::json::array());
}

TEST_F(ThresholdSummaryTest, ReportListsExpressionObservedUnitAndOk) {
  summary_.thresholds = EvaluateThresholds(List({"max<1ms", "errors==1", "dropped==0"}), summary_);
  nlohmann::json j = SummaryJson(summary_)["thresholds"];
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["expression"], "max<1ms");
  EXPECT_DOUBLE_EQ(j[0]["observed"].get<double>(), 2'000'000);
  EXPECT_EQ(j[0]["unit"], "ns");
  EXPECT_EQ(j[0]["ok"], false);
  EXPECT_EQ(j[1]["expression"], "errors==1");
  EXPECT_DOUBLE_EQ(j[1]["observed"].get<double>(), 1);
  EXPECT_EQ(j[1]["unit"], "requests");
  EXPECT_EQ(j[1]["ok"], true);
  EXPECT_TRUE(j[2]["observed"].is_null());  // no opened load
  EXPECT_EQ(j[2]["ok"], false);
}

TEST_F(ThresholdSummaryTest, DroppedComesFromTheOpenedLoads) {
  OpenedSummary o;
  o.load_id = "ID";
  o.dropped = 7;
  summary_.opened.push_back(o);
  auto observed = EvaluateThresholds(List({"dropped==0", "dropped(ID)<10"}), summary_);
  EXPECT_DOUBLE_EQ(observed[0].value, 7);
  EXPECT_FALSE(observed[0].ok);
  EXPECT_TRUE(observed[1].ok);
  EXPECT_EQ(ObservedText(observed[0]), "7");
}

}  // namespace
}  // namespace pylogen::output
