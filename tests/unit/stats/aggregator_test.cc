// The reader's aggregation: counts, names, histograms, throughput, marks.
#include "stats/aggregator.h"

#include <cstring>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace pylogen::stats {
namespace {

Record Make(RecordKind kind, const char* request, std::uint16_t length_index = 0, int rc = 0,
            std::int64_t service = 1000, std::uint16_t load = 0) {
  Record r{};
  r.kind = kind;
  r.begin_ns = 1'000'000'000;
  r.service_ns = service;
  r.rc = rc;
  r.load = load;
  r.length_index = length_index;
  std::strcpy(r.manager, "M");
  std::strcpy(r.request, request);
  return r;
}

Aggregator Make2() { return Aggregator({"ID", "OTHER"}, {"Cut", "Cut2"}); }

TEST(Aggregator, CountsRequestsOnlyInTheGlobalCount) {
  Aggregator a = Make2();
  EXPECT_EQ(a.Add(0, Make(RecordKind::kTransaction, "")), 0u);
  EXPECT_EQ(a.Add(0, Make(RecordKind::kRequest, "A")), 1u);
  EXPECT_EQ(a.Add(0, Make(RecordKind::kRequest, "B", 0, 16)), 2u);
  EXPECT_EQ(a.requests(), 2u);
  EXPECT_EQ(a.request_errors(), 1u);
  EXPECT_EQ(a.transactions(), 1u);
}

TEST(Aggregator, NamesDropThePidAndMergeProcesses) {
  Aggregator a = Make2();
  Record r = Make(RecordKind::kRequest, "R_0");
  r.pid = 1;
  a.Add(0, r);
  r.pid = 2;
  a.Add(1, r);  // another runner, same name
  a.Add(1, Make(RecordKind::kRequest, "R_0", 1));  // another length index
  a.Add(0, Make(RecordKind::kTransaction, ""));
  a.Add(0, Make(RecordKind::kRequest, "R_0", 0, 0, 5, 1));  // another load
  ASSERT_EQ(a.names().size(), 4u);
  EXPECT_EQ(a.names()[0].name, "ID.Cut.0.M.R_0");
  EXPECT_EQ(a.names()[0].count, 2u);
  EXPECT_EQ(a.names()[1].name, "ID.Cut.1.M.R_0");
  EXPECT_EQ(a.names()[2].name, "ID.Cut.0.M");  // a transaction has no request part
  EXPECT_EQ(a.names()[2].kind, RecordKind::kTransaction);
  EXPECT_EQ(a.names()[3].name, "OTHER.Cut2.0.M.R_0");
}

TEST(Aggregator, HistogramsHoldServiceAndOnlyOpenedRecordsHaveWaits) {
  Aggregator a = Make2();
  a.Add(0, Make(RecordKind::kRequest, "A", 0, 0, 1000));
  a.Add(0, Make(RecordKind::kRequest, "A", 0, 0, 3000));
  const NameStats& closed = a.names()[0];
  EXPECT_EQ(closed.service.count(), 2u);
  EXPECT_EQ(closed.service.min(), 1000);
  EXPECT_EQ(closed.service.max(), 3000);
  EXPECT_FALSE(closed.wait);
  Record opened = Make(RecordKind::kRequest, "B", 0, 0, 2000);
  opened.flags = kOpenedModel;
  opened.wait_ns = 500;
  a.Add(0, opened);
  const NameStats& o = a.names()[1];
  ASSERT_TRUE(o.wait);
  EXPECT_EQ(o.wait->max(), 500);
  EXPECT_EQ(o.response->max(), 2500);
}

TEST(Aggregator, TickComputesThroughputPerInterval) {
  Aggregator a = Make2();
  for (int i = 0; i < 50; ++i) a.Add(0, Make(RecordKind::kRequest, "A"));
  a.Tick(2'000'000'000, 0.5);
  EXPECT_DOUBLE_EQ(a.global_throughput(), 100.0);
  a.Tick(2'500'000'000, 0.5);  // nothing in this interval
  EXPECT_DOUBLE_EQ(a.global_throughput(), 0.0);
  ASSERT_EQ(a.intervals().size(), 2u);
  EXPECT_DOUBLE_EQ(a.throughput().value, 100.0);
  EXPECT_EQ(a.throughput().at_ns, 2'000'000'000);
}

TEST(Aggregator, SumsTheLatestLocalThroughputOfRunnersThatReported) {
  Aggregator a = Make2();
  Record r = Make(RecordKind::kRequest, "A");
  r.local_throughput = 10;
  a.Add(0, r);
  r.local_throughput = 30;
  a.Add(0, r);  // latest of runner 0 wins
  r.local_throughput = 5;
  a.Add(1, r);
  a.Tick(1, 1);
  EXPECT_DOUBLE_EQ(a.intervals().back().sum_local_ops_per_s, 35.0);
  a.Tick(2, 1);  // no runner reported
  EXPECT_DOUBLE_EQ(a.intervals().back().sum_local_ops_per_s, 0.0);
}

TEST(Aggregator, HighWaterMarksKeepTheMaximumAndItsTime) {
  Aggregator a = Make2();
  a.OfferQueueLength(5, 100);
  a.OfferQueueLength(9, 200);
  a.OfferQueueLength(7, 300);
  EXPECT_EQ(a.queue_length().value, 9);
  EXPECT_EQ(a.queue_length().at_ns, 200);
  a.OfferWorkers(3, 1, 400);
  a.OfferWorkers(2, 2, 500);
  EXPECT_EQ(a.running().value, 3);
  EXPECT_EQ(a.running().at_ns, 400);
  EXPECT_EQ(a.busy().value, 2);
  EXPECT_EQ(a.busy().at_ns, 500);
}

TEST(Aggregator, SpanCoversRequestsFromFirstBeginToLastEnd) {
  Aggregator a = Make2();
  Record r = Make(RecordKind::kRequest, "A", 0, 0, 100);
  r.begin_ns = 5000;
  a.Add(0, r);
  r.begin_ns = 2000;
  a.Add(0, r);
  EXPECT_EQ(a.first_begin_ns(), 2000);
  EXPECT_EQ(a.last_end_ns(), 5100);
}

TEST(Aggregator, MemoryIsBoundedByTheNameCap) {
  Aggregator a = Make2();
  for (std::size_t i = 0; i < kMaxNames + 10; ++i) {
    a.Add(0, Make(RecordKind::kRequest, fmt::format("N{}", i).c_str()));
  }
  EXPECT_EQ(a.names().size(), kMaxNames + 1);  // + the overflow entry
  EXPECT_EQ(a.overflowed(), 10u);
  EXPECT_EQ(a.names().back().count, 10u);
  EXPECT_EQ(a.requests(), kMaxNames + 10);
}

}  // namespace
}  // namespace pylogen::stats
