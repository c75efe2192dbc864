// An interval's JSON: the report's field names, lossless round trip, the
// refused inputs, and the merge of two read back.
#include "stats/interval_json.h"

#include <gtest/gtest.h>

namespace pylogen::stats {
namespace {

constexpr std::int64_t kS = 1'000'000'000;
constexpr std::int64_t kT0 = 1'700'000'000 * kS;

IntervalStats Sample(bool opened) {
  IntervalStats i;
  i.start_ns = kT0;
  i.end_ns = kT0 + kS;
  i.late = 2;
  i.total.requests = 5;
  i.total.errors = 1;
  i.total.rate = 5;
  for (std::int64_t v : {1000, 2000, 3000, 900'000}) i.total.response.Record(v);
  if (opened) {
    i.total.opened = true;
    i.total.service.Record(700);
    i.total.wait.Record(300);
    i.total.has_target = true;
    i.total.target_rate = 12.5;
  }
  i.gauges = {3, 2, 4, 17, 6, 1};
  i.ids.push_back({"R", i.total});
  return i;
}

void ExpectSame(const LatencySeries& a, const LatencySeries& b) {
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.errors, b.errors);
  EXPECT_DOUBLE_EQ(a.rate, b.rate);
  EXPECT_EQ(a.response, b.response);
  EXPECT_EQ(a.opened, b.opened);
  EXPECT_EQ(a.service, b.service);
  EXPECT_EQ(a.wait, b.wait);
  EXPECT_EQ(a.has_target, b.has_target);
  EXPECT_DOUBLE_EQ(a.target_rate, b.target_rate);
}

TEST(IntervalJson, HasTheReportsFieldNames) {
  nlohmann::json j = IntervalToJson(Sample(true));
  for (const char* key :
       {"start",           "end",          "start_ns",  "end_ns",     "requests",
        "errors",          "late",         "rate",      "p50_ns",     "p90_ns",
        "p99_ns",          "max_ns",       "histogram", "service",    "wait",
        "workers_running", "workers_busy", "in_flight", "queue_fill", "jobs_queue_fill",
        "dropped",         "target_rate",  "ids"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["start"], "2023-11-14T22:13:20.000000Z");
  EXPECT_EQ(j["start_ns"], kT0);
  EXPECT_EQ(j["max_ns"], 900'000);
  EXPECT_EQ(j["p50_ns"], 2000);
  EXPECT_EQ(j["service"]["max_ns"], 700);
  EXPECT_EQ(j["ids"][0]["id"], "R");
  EXPECT_TRUE(j["ids"][0].contains("wait"));
}

TEST(IntervalJson, ClosedModelHasNoServiceNorWaitAndANullTarget) {
  nlohmann::json j = IntervalToJson(Sample(false));
  EXPECT_FALSE(j.contains("service"));
  EXPECT_FALSE(j.contains("wait"));
  EXPECT_TRUE(j["target_rate"].is_null());
}

TEST(IntervalJson, RoundTripsLosslessly) {
  for (bool opened : {false, true}) {
    IntervalStats in = Sample(opened);
    auto out = IntervalFromJson(nlohmann::json::parse(IntervalToJson(in).dump()));
    ASSERT_TRUE(out.has_value()) << out.error();
    EXPECT_EQ(out->start_ns, in.start_ns);
    EXPECT_EQ(out->end_ns, in.end_ns);
    EXPECT_EQ(out->late, in.late);
    ExpectSame(out->total, in.total);
    ASSERT_EQ(out->ids.size(), 1u);
    EXPECT_EQ(out->ids[0].id, "R");
    ExpectSame(out->ids[0].series, in.ids[0].series);
    EXPECT_EQ(out->gauges.workers_running, 3u);
    EXPECT_EQ(out->gauges.jobs_queue_fill, 6u);
    EXPECT_EQ(out->gauges.dropped, 1u);
  }
}

TEST(IntervalJson, MergedFromJsonGivesThePercentilesOfTheUnion) {
  IntervalStats a = Sample(false), b = Sample(false), both = Sample(false);
  b.total.response.Reset();
  for (std::int64_t v : {5'000'000, 6'000'000, 7'000'000, 8'000'000}) {
    b.total.response.Record(v);
    both.total.response.Record(v);
  }
  auto ra = IntervalFromJson(IntervalToJson(a));
  auto rb = IntervalFromJson(IntervalToJson(b));
  ASSERT_TRUE(ra && rb);
  ASSERT_TRUE(MergeIntervals(*ra, *rb).has_value());
  for (double p : {50.0, 90.0, 99.0, 100.0}) {
    EXPECT_EQ(ra->total.response.ValueAtPercentile(p), both.total.response.ValueAtPercentile(p))
        << p;
  }
  EXPECT_EQ(ra->total.requests, 10u);
}

TEST(IntervalJson, MergeIntervalJsonMergesTheObjects) {
  nlohmann::json into = IntervalToJson(Sample(true));
  IntervalStats other = Sample(true);
  other.ids[0].id = "S";
  ASSERT_TRUE(MergeIntervalJson(into, IntervalToJson(other)).has_value());
  EXPECT_EQ(into["requests"], 10);
  EXPECT_EQ(into["histogram"]["count"], 8);
  EXPECT_EQ(into["workers_running"], 6);
  EXPECT_DOUBLE_EQ(into["target_rate"].get<double>(), 25);
  ASSERT_EQ(into["ids"].size(), 2u);
  EXPECT_EQ(into["ids"][1]["id"], "S");
  nlohmann::json later = IntervalToJson(Sample(false));
  later["start_ns"] = kT0 + kS;
  later["end_ns"] = kT0 + 2 * kS;
  auto refused = MergeIntervalJson(into, later);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().find("do not line up"), std::string::npos);
  nlohmann::json broken = into;
  broken.erase("histogram");
  EXPECT_FALSE(MergeIntervalJson(into, broken).has_value());
}

TEST(IntervalJson, RefusesWithTheFieldNamed) {
  struct Case {
    const char* what;
    void (*spoil)(nlohmann::json&);
    const char* expected;
  };
  const Case cases[] = {
      {"not an object", [](nlohmann::json& j) { j = 3; }, "intervals: expected an object"},
      {"no start", [](nlohmann::json& j) { j.erase("start_ns"); }, "intervals: start_ns: missing"},
      {"end before start", [](nlohmann::json& j) { j["end_ns"] = kT0; }, "is not after start_ns"},
      {"negative count", [](nlohmann::json& j) { j["requests"] = -1; },
       "requests: expected a non-negative"},
      {"bad histogram", [](nlohmann::json& j) { j["histogram"] = "x"; }, "intervals: histogram:"},
      {"histogram count", [](nlohmann::json& j) { j["errors"] = 0; },
       "4 values for 5 successful requests"},
      {"more errors", [](nlohmann::json& j) { j["errors"] = 9; },
       "errors: 9 is more than the 5 requests"},
      {"gauge", [](nlohmann::json& j) { j["in_flight"] = "many"; }, "intervals: in_flight:"},
      {"ids", [](nlohmann::json& j) { j["ids"] = 1; }, "intervals: ids: expected a list"},
      {"id name", [](nlohmann::json& j) { j["ids"][0].erase("id"); },
       "intervals: ids[0].id: expected a string"},
      {"id histogram", [](nlohmann::json& j) { j["ids"][0].erase("histogram"); },
       "intervals: ids[0].histogram: missing"},
      {"target", [](nlohmann::json& j) { j["target_rate"] = "x"; },
       "target_rate: expected a number or null"},
  };
  for (const Case& c : cases) {
    nlohmann::json j = IntervalToJson(Sample(false));
    c.spoil(j);
    auto read = IntervalFromJson(j);
    ASSERT_FALSE(read.has_value()) << c.what;
    EXPECT_NE(read.error().find(c.expected), std::string::npos) << c.what << ": " << read.error();
  }
}

}  // namespace
}  // namespace pylogen::stats
