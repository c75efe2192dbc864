// The reader's aggregation: counts, names, histograms, throughput, marks.
#include "stats/aggregator.h"

#include <cstring>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/allocation_counter.h"

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

// ---- Failed records: counted and timed apart, never in the percentiles.

Record Failed(RecordKind kind, const char* request, int rc, const char* message,
              std::int64_t service) {
  Record r = Make(kind, request, 0, rc, service);
  std::strcpy(r.error, message);
  return r;
}

TEST(AggregatorFailed, FailedRequestsAreNotInTheLatencyButInFailed) {
  Aggregator a = Make2();
  for (int i = 1; i <= 10; ++i) a.Add(0, Make(RecordKind::kRequest, "A", 0, 0, i * 1'000'000));
  a.Add(0, Failed(RecordKind::kRequest, "A", 7, "Couldn't connect to server", 22'000));
  a.Add(0, Failed(RecordKind::kRequest, "A", 7, "Couldn't connect to server", 30'000));
  a.Add(0, Failed(RecordKind::kRequest, "A", 28, "Timeout was reached", 5'000'000'000));
  const NameStats& n = a.names()[0];
  EXPECT_EQ(n.count, 13u);
  EXPECT_EQ(n.errors, 3u);
  EXPECT_EQ(n.service.count(), 10u);  // successes only
  EXPECT_EQ(n.service.min(), 1'000'000);
  EXPECT_EQ(n.service.max(), 10'000'000);
  EXPECT_EQ(n.failed.count(), 3u);
  EXPECT_EQ(n.failed.min(), 22'000);
  EXPECT_EQ(n.failed.max(), 5'000'000'000);
  auto pairs = n.errors_by.Sorted();
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].rc, 7);
  EXPECT_EQ(pairs[0].text(), "Couldn't connect to server");
  EXPECT_EQ(pairs[0].count, 2u);
  EXPECT_EQ(pairs[1].rc, 28);
  EXPECT_EQ(a.request_errors(), 3u);
}

TEST(AggregatorFailed, OpenedFailuresAreTimedByTheirResponseTime) {
  Aggregator a = Make2();
  Record ok = Make(RecordKind::kRequest, "B", 0, 0, 2000);
  ok.flags = kOpenedModel;
  ok.wait_ns = 500;
  Record bad = Failed(RecordKind::kRequest, "B", 1, "boom", 1000);
  bad.flags = kOpenedModel;
  bad.wait_ns = 9000;
  a.Add(0, bad);  // the first record of the name failed: wait and response exist, empty
  const NameStats& n = a.names()[0];
  ASSERT_TRUE(n.wait);
  EXPECT_EQ(n.wait->count(), 0u);
  EXPECT_EQ(n.response->count(), 0u);
  a.Add(0, ok);
  EXPECT_EQ(n.wait->count(), 1u);
  EXPECT_EQ(n.wait->max(), 500);
  EXPECT_EQ(n.response->max(), 2500);
  EXPECT_EQ(n.service.max(), 2000);
  EXPECT_EQ(n.failed.count(), 1u);
  EXPECT_EQ(n.failed.max(), 10'000);  // wait + service
}

TEST(AggregatorFailed, AFailedTransactionFollowsTheSameRule) {
  Aggregator a = Make2();
  a.Add(0, Make(RecordKind::kTransaction, "", 0, 0, 4000));
  a.Add(0, Failed(RecordKind::kTransaction, "", 16, "exception: bad", 100));
  const NameStats& t = a.names()[0];
  EXPECT_EQ(t.kind, RecordKind::kTransaction);
  EXPECT_EQ(t.errors, 1u);
  EXPECT_EQ(t.service.count(), 1u);
  EXPECT_EQ(t.service.min(), 4000);
  EXPECT_EQ(t.failed.count(), 1u);
  EXPECT_EQ(t.errors_by.Sorted().at(0).rc, 16);
  EXPECT_EQ(a.request_errors(), 0u);  // transactions are not requests
}

TEST(AggregatorFailed, SuccessesAfterWarmUpAllocateNothingAndNorDoErrors) {
  Aggregator a = Make2();
  Record ok = Make(RecordKind::kRequest, "A", 0, 0, 1000);
  Record bad = Failed(RecordKind::kRequest, "A", 1, "boom", 1000);
  a.Add(0, ok);
  a.Add(0, bad);
  testing::AllocationCounter::Start();
  for (int i = 0; i < 1000; ++i) {
    a.Add(0, ok);
    a.Add(0, bad);
  }
  EXPECT_EQ(testing::AllocationCounter::Stop(), 0u);
  EXPECT_EQ(a.names()[0].errors, 1001u);
}

}  // namespace
}  // namespace pylogen::stats
