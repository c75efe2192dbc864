// The time series: aligned boundaries, late records, partial intervals,
// success-only percentiles, gauges, target rates (fake wall times only).
#include "stats/interval_series.h"

#include <gtest/gtest.h>

#include <vector>

namespace pylogen::stats {
namespace {

constexpr std::int64_t kS = 1'000'000'000;        // --summary 1
constexpr std::int64_t kT0 = 1'700'000'000 * kS;  // a multiple of S since the epoch

Record Request(std::int64_t begin_ns, std::int64_t service_ns, int rc = 0, std::uint16_t load = 0,
               std::int64_t wait_ns = 0) {
  Record r{};
  r.kind = RecordKind::kRequest;
  r.begin_ns = begin_ns;
  r.intended_ns = begin_ns - wait_ns;
  r.wait_ns = wait_ns;
  r.service_ns = service_ns;
  r.rc = rc;
  r.load = load;
  if (wait_ns != 0) r.flags = kOpenedModel;
  return r;
}

struct Collected {
  std::vector<IntervalStats> closed;
  IntervalSeries series;
  explicit Collected(std::int64_t interval_ns = kS, std::vector<std::string> ids = {"A", "B"})
      : series(interval_ns, std::move(ids),
               [this](const IntervalStats& i) { closed.push_back(i); }) {}
};

TEST(IntervalSeries, BoundariesAreMultiplesOfTheIntervalSinceTheEpoch) {
  Collected c(2 * kS);
  c.series.Add(Request(kT0 + 3 * kS + 100, 10));  // ends in [T0+2s, T0+4s)
  c.series.Add(Request(kT0 + 5 * kS, 10));        // [T0+4s, T0+6s)
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 2u);
  EXPECT_EQ(c.closed[0].start_ns, kT0 + 2 * kS);
  EXPECT_EQ(c.closed[0].end_ns, kT0 + 4 * kS);
  EXPECT_EQ(c.closed[1].start_ns, kT0 + 4 * kS);
  EXPECT_EQ(c.closed[1].end_ns, kT0 + 6 * kS);
  for (const IntervalStats& i : c.closed) EXPECT_EQ(i.start_ns % (2 * kS), 0);
}

TEST(IntervalSeries, ARecordBelongsToTheIntervalOfItsEnd) {
  Collected c;
  c.series.Add(Request(kT0 + kS / 2, kS));  // begins in [T0, T0+1s), ends at T0+1.5s
  c.series.Add(Request(kT0 + kS - 1, 1));   // ends exactly at T0+1s: the next interval
  c.series.Add(Request(kT0 + 10, 20));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 2u);
  EXPECT_EQ(c.closed[0].total.requests, 1u);
  EXPECT_EQ(c.closed[1].total.requests, 2u);
  EXPECT_EQ(c.closed[1].total.response.max(), kS);
}

TEST(IntervalSeries, AnEarlierRecordBeforeAnythingClosedOpensTheWindowEarlier) {
  Collected c;
  c.series.Add(Request(kT0 + 2 * kS + 100, 10));
  c.series.Add(Request(kT0 + kS + 100, 10));  // read later, ended earlier
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 2u);
  EXPECT_EQ(c.closed[0].start_ns, kT0 + kS);
  EXPECT_EQ(c.closed[0].total.requests, 1u);
  EXPECT_EQ(c.closed[0].late, 0u);
  EXPECT_EQ(c.series.late(), 0u);
}

TEST(IntervalSeries, ClosesAnIntervalOnlyOnceDrainedPastItsEndPlusTheSlack) {
  Collected c;
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Advance(kT0 + kS + kSlackNs - 1);
  EXPECT_TRUE(c.closed.empty());
  c.series.Advance(kT0 + kS + kSlackNs);
  ASSERT_EQ(c.closed.size(), 1u);
  EXPECT_EQ(c.closed[0].start_ns, kT0);
  EXPECT_EQ(c.closed[0].total.requests, 1u);
}

TEST(IntervalSeries, EmptyIntervalsInBetweenAreWritten) {
  Collected c;
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Add(Request(kT0 + 5 * kS + 100, 10));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(c.closed[i].start_ns, kT0 + static_cast<std::int64_t>(i) * kS);
    EXPECT_EQ(c.closed[i].total.requests, i == 0 || i == 5 ? 1u : 0u);
  }
}

TEST(IntervalSeries, ALateRecordGoesIntoTheOldestOpenIntervalAndIsCounted) {
  Collected c;
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Add(Request(kT0 + 3 * kS + 100, 10));
  c.series.Advance(kT0 + 2 * kS + kSlackNs);  // [T0, T0+2s) closed
  ASSERT_EQ(c.closed.size(), 2u);
  c.series.Add(Request(kT0 + 200, 10));  // belongs to [T0, T0+1s): closed
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 4u);
  EXPECT_EQ(c.closed[2].start_ns, kT0 + 2 * kS);
  EXPECT_EQ(c.closed[2].late, 1u);
  EXPECT_EQ(c.closed[2].total.requests, 1u);
  EXPECT_EQ(c.closed[0].late, 0u);
  EXPECT_EQ(c.series.late(), 1u);
}

TEST(IntervalSeries, PercentilesAreOfSuccessfulRequestsOnlyErrorsCounted) {
  Collected c;
  for (int i = 0; i < 90; ++i) c.series.Add(Request(kT0 + 100, 50'000'000));
  for (int i = 0; i < 10; ++i) c.series.Add(Request(kT0 + 100, 20'000, 111));  // fast refusals
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 1u);
  const LatencySeries& t = c.closed[0].total;
  EXPECT_EQ(t.requests, 100u);
  EXPECT_EQ(t.errors, 10u);
  EXPECT_EQ(t.response.count(), 90u);
  EXPECT_GE(t.response.ValueAtPercentile(0), 50'000'000);
  EXPECT_EQ(c.closed[0].ids[0].series.errors, 10u);
}

TEST(IntervalSeries, TransactionRecordsDoNotCount) {
  Collected c;
  Record t = Request(kT0 + 100, 10);
  t.kind = RecordKind::kTransaction;
  c.series.Add(t);
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 1u);
  EXPECT_EQ(c.closed[0].total.requests, 1u);
}

TEST(IntervalSeries, PerIdSeriesAndOpenedServiceAndWait) {
  Collected c;
  c.series.Add(Request(kT0 + 1000, 300, 0, 0));
  c.series.Add(Request(kT0 + 1000, 500, 0, 1, 200));  // opened: wait 200, service 500
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 1u);
  const IntervalStats& i = c.closed[0];
  ASSERT_EQ(i.ids.size(), 2u);
  EXPECT_EQ(i.ids[0].id, "A");
  EXPECT_EQ(i.ids[0].series.requests, 1u);
  EXPECT_FALSE(i.ids[0].series.opened);
  EXPECT_TRUE(i.ids[1].series.opened);
  EXPECT_EQ(i.ids[1].series.response.max(), 700);
  EXPECT_EQ(i.ids[1].series.service.max(), 500);
  EXPECT_EQ(i.ids[1].series.wait.max(), 200);
  EXPECT_EQ(i.total.requests, 2u);
}

TEST(IntervalSeries, PartialIntervalsRateOverThePartTheRunCovered) {
  Collected c;
  // The run: from T0+0.5s (first begin) to T0+2.25s (last end).
  for (int i = 0; i < 10; ++i) c.series.Add(Request(kT0 + kS / 2, 1000));
  for (int i = 0; i < 10; ++i) c.series.Add(Request(kT0 + kS + 1, 1000));
  for (int i = 0; i < 5; ++i) c.series.Add(Request(kT0 + 2 * kS + kS / 4 - 1000, 1000));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 3u);
  EXPECT_DOUBLE_EQ(c.closed[0].total.rate, 20.0);  // 10 in 0.5 s
  EXPECT_DOUBLE_EQ(c.closed[1].total.rate, 10.0);  // 10 in 1 s
  EXPECT_DOUBLE_EQ(c.closed[2].total.rate, 20.0);  // 5 in 0.25 s
  EXPECT_DOUBLE_EQ(c.closed[2].ids[0].series.rate, 20.0);
}

TEST(IntervalSeries, GaugesAreMaximaAndDroppedIsADelta) {
  Collected c;
  c.series.Offer(kT0 + 100, {2, 1, 3, 40, 5, 10});
  c.series.Offer(kT0 + 200, {4, 0, 1, 10, 9, 12});
  c.series.Offer(kT0 + kS + 100, {1, 1, 1, 1, 1, 12});
  c.series.Offer(kT0 + 2 * kS + 100, {1, 1, 1, 1, 1, 20});
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 3u);
  const IntervalGauges& g = c.closed[0].gauges;
  EXPECT_EQ(g.workers_running, 4u);
  EXPECT_EQ(g.workers_busy, 1u);
  EXPECT_EQ(g.in_flight, 3u);
  EXPECT_EQ(g.queue_fill, 40u);
  EXPECT_EQ(g.jobs_queue_fill, 9u);
  EXPECT_EQ(g.dropped, 12u);
  EXPECT_EQ(c.closed[1].gauges.dropped, 0u);
  EXPECT_EQ(c.closed[2].gauges.dropped, 8u);
}

TEST(IntervalSeries, TargetRateIsTheScheduleAtTheMiddleSummedOverIds) {
  auto schedule = schedule::Schedule::Parse("1@10,1@10-30");
  ASSERT_TRUE(schedule.has_value());
  Collected c;
  c.series.SetTarget(0, &*schedule, kT0);
  c.series.SetTarget(1, &*schedule, kT0 + kS);  // one second later
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Add(Request(kT0 + kS + 100, 10));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 2u);
  EXPECT_TRUE(c.closed[0].total.has_target);
  EXPECT_DOUBLE_EQ(c.closed[0].ids[0].series.target_rate, 10);  // t = 0.5
  EXPECT_DOUBLE_EQ(c.closed[0].ids[1].series.target_rate, 0);   // before its start
  EXPECT_DOUBLE_EQ(c.closed[1].ids[0].series.target_rate, 20);  // t = 1.5: mid-ramp
  EXPECT_DOUBLE_EQ(c.closed[1].ids[1].series.target_rate, 10);
  EXPECT_DOUBLE_EQ(c.closed[1].total.target_rate, 30);
}

TEST(IntervalSeries, ClosedModelHasNoTarget) {
  Collected c;
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), 1u);
  EXPECT_FALSE(c.closed[0].total.has_target);
}

TEST(IntervalSeries, SlotsAreReusedWithoutAllocatingOnceWarm) {
  Collected c;
  std::int64_t t = kT0;
  for (int i = 0; i < 200; ++i, t += kS) {
    for (int j = 0; j < 50; ++j)
      c.series.Add(Request(t + j * 1000, 1'000'000 + j * 1000, 0, j % 2));
    c.series.Advance(t);
  }
  c.series.Finish();
  EXPECT_EQ(c.closed.size(), 200u);
  EXPECT_LE(c.series.window(), 64u);
  for (const IntervalStats& i : c.closed) EXPECT_EQ(i.total.requests, 50u);
}

TEST(IntervalSeries, AJumpPastTheWindowClosesTheOldest) {
  Collected c;
  c.series.Add(Request(kT0 + 100, 10));
  c.series.Add(Request(kT0 + 100 * kS + 100, 10));  // no Advance in between
  EXPECT_GE(c.closed.size(), 90u);
  EXPECT_EQ(c.closed[0].total.requests, 1u);
  c.series.Finish();
  EXPECT_EQ(c.closed.size(), 101u);
}

TEST(IntervalSeries, ARecordFarPastTheLastSampleStaysInTheWindow) {
  Collected c;
  c.series.Offer(kT0 + 100, {});
  c.series.Add(Request(kT0 + 1'000'000'000 * kS, 10));  // 31 years ahead: a wrong time
  EXPECT_TRUE(c.closed.empty());
  c.series.Finish();
  ASSERT_EQ(c.closed.size(), c.series.window());
  EXPECT_EQ(c.closed.back().total.requests, 1u);
}

TEST(IntervalSeries, MergeSumsCountsHistogramsGaugesAndTargets) {
  IntervalStats a, b;
  a.start_ns = b.start_ns = kT0;
  a.end_ns = b.end_ns = kT0 + kS;
  a.total.requests = 3;
  a.total.response.Record(100);
  a.total.rate = 3;
  a.gauges.workers_running = 2;
  a.gauges.in_flight = 5;
  a.ids.push_back({"A", {}});
  a.ids[0].series.requests = 3;
  b.total.requests = 4;
  b.total.errors = 1;
  b.total.response.Record(200);
  b.total.rate = 4;
  b.total.has_target = true;
  b.total.target_rate = 7;
  b.gauges.workers_running = 3;
  b.gauges.in_flight = 1;
  b.gauges.dropped = 2;
  b.ids.push_back({"A", {}});
  b.ids[0].series.requests = 1;
  b.ids.push_back({"C", {}});
  b.ids[1].series.requests = 4;
  ASSERT_TRUE(MergeIntervals(a, b).has_value());
  EXPECT_EQ(a.total.requests, 7u);
  EXPECT_EQ(a.total.errors, 1u);
  EXPECT_EQ(a.total.response.count(), 2u);
  EXPECT_EQ(a.total.response.max(), 200);
  EXPECT_DOUBLE_EQ(a.total.rate, 7);
  EXPECT_TRUE(a.total.has_target);
  EXPECT_DOUBLE_EQ(a.total.target_rate, 7);
  EXPECT_EQ(a.gauges.workers_running, 5u);
  EXPECT_EQ(a.gauges.in_flight, 6u);
  EXPECT_EQ(a.gauges.dropped, 2u);
  ASSERT_EQ(a.ids.size(), 2u);
  EXPECT_EQ(a.ids[0].series.requests, 4u);
  EXPECT_EQ(a.ids[1].id, "C");
}

TEST(IntervalSeries, MergeRefusesIntervalsThatDoNotLineUp) {
  IntervalStats a, b;
  a.start_ns = kT0;
  a.end_ns = kT0 + kS;
  b.start_ns = kT0 + kS;
  b.end_ns = kT0 + 2 * kS;
  auto merged = MergeIntervals(a, b);
  ASSERT_FALSE(merged.has_value());
  EXPECT_NE(merged.error().find("do not line up"), std::string::npos);
}

}  // namespace
}  // namespace pylogen::stats
