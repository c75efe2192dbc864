// Thresholds on final statistics: each metric and series, the selectors,
// requests only, and no data counting as broken.
#include "thresholds/evaluate.h"

#include <cstring>

#include <gtest/gtest.h>

namespace pylogen::thresholds {
namespace {

stats::Record Request(const char* request, std::int64_t service_ns, int rc = 0,
                      std::uint16_t load = 0) {
  stats::Record r{};
  r.kind = stats::RecordKind::kRequest;
  r.begin_ns = 1'000'000'000;
  r.service_ns = service_ns;
  r.rc = rc;
  r.load = load;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, request);
  return r;
}

stats::Record Opened(const char* request, std::int64_t wait_ns, std::int64_t service_ns) {
  stats::Record r = Request(request, service_ns);
  r.flags = stats::kOpenedModel;
  r.wait_ns = wait_ns;
  return r;
}

Threshold T(const char* text) {
  auto t = ParseThreshold(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t.value_or(Threshold{});
}

Observed One(const char* text, const RunFigures& run) {
  return Evaluate({T(text)}, run).front();
}

class EvaluateTest : public ::testing::Test {
 protected:
  stats::Aggregator stats_{{"web", "db"}, {"Cut", "Cut"}};
  RunFigures run_{stats_, 2.0, {}};
};

TEST_F(EvaluateTest, LatencyMetricsOfTheServiceTimeInTheClosedModel) {
  for (int i = 1; i <= 100; ++i) stats_.Add(0, Request("R_0", i * 1000));
  Observed p99 = One("p99<100us", run_);
  EXPECT_TRUE(p99.has_data);
  EXPECT_NEAR(p99.value, 99'000, 99);  // within the histogram's 0.1%
  EXPECT_TRUE(p99.ok);
  EXPECT_FALSE(One("p99<98us", run_).ok);
  EXPECT_TRUE(One("p50<=50.1us", run_).ok);
  EXPECT_DOUBLE_EQ(One("mean<1s", run_).value, 50'500);
  EXPECT_DOUBLE_EQ(One("min>=1us", run_).value, 1000);
  EXPECT_TRUE(One("min>=1us", run_).ok);
  EXPECT_DOUBLE_EQ(One("max<2s", run_).value, 100'000);
  EXPECT_FALSE(One("max<100us", run_).ok);
  EXPECT_TRUE(One("max<=100us", run_).ok);
  // Response is service in the closed model; wait has no data there.
  EXPECT_DOUBLE_EQ(One("response:max<1s", run_).value, 100'000);
  EXPECT_DOUBLE_EQ(One("service:max<1s", run_).value, 100'000);
  Observed wait = One("wait:max<1s", run_);
  EXPECT_FALSE(wait.has_data);
  EXPECT_FALSE(wait.ok);
}

TEST_F(EvaluateTest, SeriesInTheOpenedModel) {
  stats_.Add(0, Opened("R_0", 3000, 1000));
  EXPECT_DOUBLE_EQ(One("max<1s", run_).value, 4000);  // response = wait + service
  EXPECT_DOUBLE_EQ(One("response:max<1s", run_).value, 4000);
  EXPECT_DOUBLE_EQ(One("service:max<1s", run_).value, 1000);
  EXPECT_DOUBLE_EQ(One("wait:max<1s", run_).value, 3000);
}

TEST_F(EvaluateTest, CountsErrorsAndRate) {
  for (int i = 0; i < 10; ++i) stats_.Add(0, Request("R_0", 1000, i % 2));
  EXPECT_DOUBLE_EQ(One("count==10", run_).value, 10);
  Observed errors = One("errors<1%", run_);
  EXPECT_DOUBLE_EQ(errors.value, 50);
  EXPECT_FALSE(errors.ok);
  EXPECT_TRUE(One("errors<=50%", run_).ok);
  EXPECT_DOUBLE_EQ(One("errors==0", run_).value, 5);
  EXPECT_FALSE(One("errors==0", run_).ok);
  EXPECT_TRUE(One("errors!=0", run_).ok);
  EXPECT_DOUBLE_EQ(One("rate>=5", run_).value, 5);  // 10 requests over 2 s
  EXPECT_TRUE(One("rate>=5", run_).ok);
  EXPECT_FALSE(One("rate>5", run_).ok);
}

TEST_F(EvaluateTest, TransactionRecordsDoNotCount) {
  stats::Record transaction = Request("", 9'000'000);
  transaction.kind = stats::RecordKind::kTransaction;
  stats_.Add(0, transaction);
  stats_.Add(0, Request("R0-EXEC", 1000));
  EXPECT_DOUBLE_EQ(One("count==1", run_).value, 1);
  EXPECT_DOUBLE_EQ(One("max<1s", run_).value, 1000);
}

TEST_F(EvaluateTest, SelectorsByIdWholeNameAndTrailingParts) {
  stats_.Add(0, Request("R_0", 1000));
  stats_.Add(0, Request("R_1", 2000, 1));
  stats_.Add(1, Request("R_0", 4000, 0, 1));
  EXPECT_DOUBLE_EQ(One("count(web)>0", run_).value, 2);   // a load id
  EXPECT_DOUBLE_EQ(One("count(db)>0", run_).value, 1);
  EXPECT_DOUBLE_EQ(One("count(R_0)>0", run_).value, 2);   // trailing part, both loads
  EXPECT_DOUBLE_EQ(One("max(R_0)<1s", run_).value, 4000);
  EXPECT_DOUBLE_EQ(One("count(M.R_1)>0", run_).value, 1);  // trailing parts
  EXPECT_DOUBLE_EQ(One("count(db.Cut.0.M.R_0)>0", run_).value, 1);  // the whole name
  EXPECT_DOUBLE_EQ(One("errors(R_1)==1", run_).value, 1);
  // A part of a part does not match; nothing matched is no data: broken.
  Observed none = One("count(_0)>=0", run_);
  EXPECT_FALSE(none.has_data);
  EXPECT_FALSE(none.ok);
}

TEST(Selects, Forms) {
  EXPECT_TRUE(Selects("", "a.b.0.M.R", "a"));
  EXPECT_TRUE(Selects("a", "a.b.0.M.R", "a"));
  EXPECT_TRUE(Selects("R", "a.b.0.M.R", "a"));
  EXPECT_TRUE(Selects("M.R", "a.b.0.M.R", "a"));
  EXPECT_TRUE(Selects("a.b.0.M.R", "a.b.0.M.R", "a"));
  EXPECT_FALSE(Selects("b", "a.b.0.M.R", "a"));  // not trailing
  EXPECT_FALSE(Selects("XR", "a.b.0.M.R", "a"));
  EXPECT_FALSE(Selects("R", "a.b.0.M.XR", "a"));  // a part is matched whole
}

TEST_F(EvaluateTest, NoDataIsBroken) {
  for (const char* text : {"p99<1s", "mean<1s", "count>=0", "errors==0", "errors<1%", "rate>=0",
                           "dropped==0"}) {
    Observed o = One(text, run_);
    EXPECT_FALSE(o.has_data) << text;
    EXPECT_FALSE(o.ok) << text;
  }
  stats_.Add(0, Request("R_0", 1000));
  RunFigures instant{stats_, 0.0, {}};
  EXPECT_FALSE(One("rate>=0", instant).has_data);  // no duration to divide by
}

TEST_F(EvaluateTest, DroppedOfTheOpenedLoads) {
  run_.dropped = {{"web", 3}, {"db", 0}};
  EXPECT_DOUBLE_EQ(One("dropped==0", run_).value, 3);
  EXPECT_FALSE(One("dropped==0", run_).ok);
  EXPECT_TRUE(One("dropped(db)==0", run_).ok);
  EXPECT_DOUBLE_EQ(One("dropped(web)<5", run_).value, 3);
  EXPECT_FALSE(One("dropped(other)==0", run_).has_data);
}

TEST_F(EvaluateTest, AllHeld) {
  stats_.Add(0, Request("R_0", 1000));
  EXPECT_TRUE(AllHeld({}));
  EXPECT_TRUE(AllHeld(Evaluate({T("count==1"), T("max<1s")}, run_)));
  std::vector<Observed> mixed = Evaluate({T("count==1"), T("max<1us")}, run_);
  EXPECT_FALSE(AllHeld(mixed));
  EXPECT_TRUE(mixed[0].ok);
  EXPECT_FALSE(mixed[1].ok);
  EXPECT_EQ(mixed[1].threshold.expression, "max<1us");
}

// Latencies are of the successful requests: failed ones do not count, and
// a selection whose requests all failed has no latency (broken); the
// errors counts still see every request.
TEST_F(EvaluateTest, LatenciesAreOfSuccessfulRequestsOnly) {
  for (int i = 0; i < 9; ++i) stats_.Add(0, Request("R_0", 1'000'000));
  stats_.Add(0, Request("R_0", 5'000'000'000, 7));  // a failed one, slow
  stats_.Add(1, Request("R_1", 20'000, 7, 1));      // db: every request failed
  EXPECT_DOUBLE_EQ(One("max(web)<2ms", run_).value, 1'000'000);
  EXPECT_TRUE(One("p99(web)<2ms", run_).ok);
  Observed all_failed = One("p99(db)<1s", run_);
  EXPECT_FALSE(all_failed.has_data);
  EXPECT_FALSE(all_failed.ok);
  EXPECT_DOUBLE_EQ(One("errors(web)<1%", run_).value, 10);
  EXPECT_DOUBLE_EQ(One("errors(db)==0", run_).value, 1);
  EXPECT_DOUBLE_EQ(One("count==11", run_).value, 11);
}

}  // namespace
}  // namespace pylogen::thresholds
