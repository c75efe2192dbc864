// The Aggregator's restore API (a report read back): names counted in the
// totals as Add() counts records, loads by id, marks and intervals set.
#include <gtest/gtest.h>

#include "stats/aggregator.h"

namespace pylogen::stats {
namespace {

NameStats Name(std::uint16_t load, RecordKind kind, std::uint64_t count, std::uint64_t errors,
               std::int64_t first, std::int64_t last) {
  NameStats n;
  n.name = "n";
  n.load = load;
  n.kind = kind;
  n.count = count;
  n.errors = errors;
  n.first_begin_ns = first;
  n.last_end_ns = last;
  for (std::uint64_t i = 0; i < count; ++i) n.service.Record(100);
  return n;
}

TEST(AggregatorRestoreTest, LoadsByIdAppendedOnce) {
  Aggregator agg({"a"}, {"Cut"});
  EXPECT_EQ(agg.RestoreLoad("a"), 0);
  EXPECT_EQ(agg.RestoreLoad("b"), 1);
  EXPECT_EQ(agg.RestoreLoad("b"), 1);
  EXPECT_EQ(agg.load_count(), 2u);
  EXPECT_EQ(agg.load_id(1), "b");
}

TEST(AggregatorRestoreTest, NamesAreCountedInTheTotals) {
  Aggregator agg({}, {});
  std::uint16_t load = agg.RestoreLoad("x");
  agg.RestoreName(Name(load, RecordKind::kRequest, 3, 1, 500, 900));
  agg.RestoreName(Name(load, RecordKind::kRequest, 2, 0, 300, 700));
  agg.RestoreName(Name(load, RecordKind::kTransaction, 4, 2, 100, 2000));  // not requests
  agg.RestoreName(Name(load, RecordKind::kRequest, 0, 0, 0, 0));           // empty: no span
  EXPECT_EQ(agg.requests(), 5u);
  EXPECT_EQ(agg.request_errors(), 1u);
  EXPECT_EQ(agg.transactions(), 4u);
  EXPECT_EQ(agg.first_begin_ns(), 300);
  EXPECT_EQ(agg.last_end_ns(), 900);
  ASSERT_EQ(agg.names().size(), 4u);
  EXPECT_EQ(agg.names()[0].service.count(), 3u);
}

TEST(AggregatorRestoreTest, MarksAndIntervals) {
  Aggregator agg({}, {});
  agg.RestoreMarks({1, 10}, {2, 20}, {3, 30}, {4, 40});
  EXPECT_EQ(agg.queue_length().at_ns, 10);
  EXPECT_EQ(agg.throughput().value, 2);
  EXPECT_EQ(agg.running().value, 3);
  EXPECT_EQ(agg.busy().at_ns, 40);
  agg.RestoreIntervals({{5, 1.5, 2.5}});
  ASSERT_EQ(agg.intervals().size(), 1u);
  EXPECT_EQ(agg.intervals()[0].sum_local_ops_per_s, 2.5);
}

}  // namespace
}  // namespace pylogen::stats
