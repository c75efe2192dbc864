// Requests of one operation -> records in the worker's ring.
#include "operation/op_reporter.h"

#include <cstring>
#include <thread>

#include <gtest/gtest.h>

namespace pylogen::operation {
namespace {

class OpReporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = shm::Segment::Create(1, 16);
    ASSERT_TRUE(s.has_value());
    segment_.emplace(std::move(*s));
  }
  OpReporter Reporter() {
    return OpReporter(segment_->Producer(0), &segment_->slot(0), 3, 4242, 1'000'000'000);
  }
  std::vector<stats::Record> Drain() {
    std::vector<stats::Record> out;
    segment_->Consumer(0).Drain(1000, [&](const stats::Record& r) { out.push_back(r); });
    return out;
  }
  static void Add(RequestsManager& m, const char* name, std::int64_t begin, std::int64_t end, int rc,
                  const char* error = "") {
    m.exec(name, [&](Request& r) {
      if (rc != 0) r.Fail(rc, error);
      r.AddBytes(10, 20);
    });
    // Pin the timing for exact assertions.
    auto& last = const_cast<Request&>(*(m.end() - 1));
    last.begin_ns = begin;
    last.end_ns = end;
  }
  std::optional<shm::Segment> segment_;
};

TEST_F(OpReporterTest, LoneRequestGivesOneRecord) {
  RequestsManager m("MGR");
  Add(m, "R_0", 100, 350, 0);
  EXPECT_EQ(Reporter().Report(m, {7, 2, 12.5f}), 1u);
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  const stats::Record& r = records[0];
  EXPECT_EQ(r.kind, stats::RecordKind::kRequest);
  EXPECT_FALSE(r.in_transaction());
  EXPECT_FALSE(r.opened_model());
  EXPECT_EQ(r.begin_ns, 1'000'000'100);  // wall offset applied
  EXPECT_EQ(r.service_ns, 250);
  EXPECT_EQ(r.wait_ns, 0);
  EXPECT_EQ(r.op_count, 7u);
  EXPECT_EQ(r.length_index, 2);
  EXPECT_EQ(r.load, 3);
  EXPECT_EQ(r.pid, 4242);
  EXPECT_FLOAT_EQ(r.local_throughput, 12.5f);
  EXPECT_STREQ(r.manager, "MGR");
  EXPECT_STREQ(r.request, "R_0");
  EXPECT_EQ(r.bytes_in, 10u);
  EXPECT_EQ(segment_->slot(0).ops.load(), 1u);
}

TEST_F(OpReporterTest, SeveralRequestsGiveATransactionFirst) {
  RequestsManager m("TX");
  Add(m, "A", 100, 200, 0);
  Add(m, "B", 300, 600, -2, "minor");
  Add(m, "C", 700, 750, 5, "worst");
  EXPECT_EQ(Reporter().Report(m, {1, 0, 0}), 4u);
  auto records = Drain();
  ASSERT_EQ(records.size(), 4u);
  const stats::Record& t = records[0];
  EXPECT_EQ(t.kind, stats::RecordKind::kTransaction);
  EXPECT_EQ(t.begin_ns, 1'000'000'100);
  EXPECT_EQ(t.service_ns, 100 + 300 + 50);
  EXPECT_EQ(t.rc, 5);
  EXPECT_STREQ(t.error, "worst");
  EXPECT_STREQ(t.request, "");
  EXPECT_EQ(t.bytes_out, 60u);
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(records[i].kind, stats::RecordKind::kRequest);
    EXPECT_TRUE(records[i].in_transaction());
    EXPECT_EQ(records[i].op_count, 1u);
  }
  EXPECT_STREQ(records[2].request, "B");
  EXPECT_EQ(records[2].rc, -2);
}

TEST_F(OpReporterTest, OverlappingRequestsMakeATransactionFromFirstBeginToLastEnd) {
  RequestsManager m("TX");
  Add(m, "A", 100, 500, 0);
  Add(m, "B", 200, 900, 0);  // begins before A ends
  Add(m, "C", 300, 400, 0);
  EXPECT_EQ(Reporter().Report(m, {1, 0, 0}), 4u);
  auto records = Drain();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].kind, stats::RecordKind::kTransaction);
  EXPECT_EQ(records[0].begin_ns, 1'000'000'100);
  EXPECT_EQ(records[0].service_ns, 800);  // 900 - 100, not the sum 1200
}

TEST_F(OpReporterTest, OperationWithoutRequestIsCountedAsEmpty) {
  RequestsManager m("M");
  EXPECT_EQ(Reporter().Report(m, {1, 0, 0}), 0u);
  EXPECT_TRUE(Drain().empty());
  EXPECT_EQ(segment_->slot(0).empty_ops.load(), 1u);
  EXPECT_EQ(segment_->slot(0).ops.load(), 1u);
}

// The slot's service_ns sums what the records of each operation say its
// service was: a lone request's duration, a transaction's record's service.
TEST_F(OpReporterTest, SlotSumsTheServiceOfEveryOperation) {
  OpReporter reporter = Reporter();
  RequestsManager lone("M");
  Add(lone, "R", 100, 350, 0);
  reporter.Report(lone, {1, 0, 0});
  EXPECT_EQ(segment_->slot(0).service_ns.load(), 250u);
  RequestsManager transaction("TX");
  Add(transaction, "A", 1000, 1100, 0);
  Add(transaction, "B", 1200, 1500, 0);
  reporter.Report(transaction, {2, 0, 0});
  RequestsManager empty("E");
  reporter.Report(empty, {3, 0, 0});
  auto records = Drain();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(segment_->slot(0).service_ns.load(), records[0].service_ns + records[1].service_ns);
  EXPECT_EQ(segment_->slot(0).service_ns.load(), 250u + 400u);
  EXPECT_EQ(segment_->slot(0).ops.load(), 3u);
}

TEST_F(OpReporterTest, OpenedModelRecordsCarryTheirWait) {
  RequestsManager m("M");
  Add(m, "R", 500, 900, 0);
  OpInfo op{1, 0, 0};
  op.intended_ns = 1'000'000'000 + 200;  // due 300 ns before it started
  Reporter().Report(m, op);
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].opened_model());
  EXPECT_EQ(records[0].wait_ns, 300);
  EXPECT_EQ(records[0].response_ns(), 700);
}

TEST_F(OpReporterTest, FullRingMakesTheProducerWaitNotDrop) {
  RequestsManager m("M");
  Add(m, "R", 0, 1, 0);
  OpReporter reporter = Reporter();
  for (int i = 0; i < 16; ++i) reporter.Report(m, {1, 0, 0});  // ring now full
  std::thread late_reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Drain();
  });
  reporter.Report(m, {2, 0, 0});  // must wait for the reader
  late_reader.join();
  EXPECT_EQ(segment_->slot(0).waits.load(), 1u);
  EXPECT_GE(segment_->slot(0).wait_ns.load(), 10'000'000u);
  auto rest = Drain();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].op_count, 2u);
}

}  // namespace
}  // namespace pylogen::operation
