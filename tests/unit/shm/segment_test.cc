// The shared segment and its per-producer SPSC rings.
#include "shm/segment.h"

#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <gtest/gtest.h>

namespace pylogen::shm {
namespace {

TEST(Segment, RejectsCapacitiesThatAreNotPowersOfTwo) {
  for (std::uint64_t bad : {0ull, 1ull, 3ull, 100ull}) {
    auto s = Segment::Create(1, bad);
    ASSERT_FALSE(s.has_value()) << bad;
    EXPECT_NE(s.error().find("power of two"), std::string::npos);
  }
}

TEST(Segment, LaysOutHeaderSlotsAndRecords) {
  auto s = Segment::Create(3, 8);
  ASSERT_TRUE(s.has_value()) << s.error();
  EXPECT_EQ(s->header().magic, kMagic);
  EXPECT_EQ(s->slot_count(), 3u);
  EXPECT_EQ(s->ring_capacity(0), 8u);
  EXPECT_EQ(s->ring_capacity(2), 8u);
  EXPECT_EQ(s->phase(), Phase::kRunning);
  EXPECT_GE(s->size(), SegmentBytes(3, 8));
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&s->slot(i)) % kCacheLine, 0u);
    EXPECT_EQ(s->slot(i).state.load(), SlotState::kIdle);
  }
  // Rings do not overlap each other or the slots.
  EXPECT_EQ(s->records(1) - s->records(0), 8);
  EXPECT_GT(reinterpret_cast<char*>(s->records(0)), reinterpret_cast<char*>(&s->slot(2)));
}

TEST(Segment, EachSlotHasItsOwnRing) {
  SegmentShape shape{{8, 2, 16}, 0, 0, 0};
  auto s = Segment::Create(shape);
  ASSERT_TRUE(s.has_value()) << s.error();
  EXPECT_EQ(s->ring_capacity(0), 8u);
  EXPECT_EQ(s->ring_capacity(1), 2u);
  EXPECT_EQ(s->ring_capacity(2), 16u);
  EXPECT_EQ(s->slot(2).ring_offset, 10u);
  EXPECT_EQ(s->records(1) - s->records(0), 8);
  EXPECT_EQ(s->records(2) - s->records(1), 2);
  EXPECT_EQ(s->ring_bytes(), 26 * sizeof(stats::Record));
  EXPECT_GE(s->size(), SegmentBytes(shape));
  // A ring of 2 holds 2 records, whatever its neighbours hold.
  RingProducer producer = s->Producer(1);
  for (int i = 0; i < 2; ++i) {
    ASSERT_NE(producer.TryClaim(), nullptr);
    producer.Publish();
  }
  EXPECT_EQ(producer.TryClaim(), nullptr);
  EXPECT_EQ(s->Consumer(0).Available(), 0u);
  EXPECT_EQ(s->Consumer(2).Available(), 0u);
  EXPECT_FALSE(Segment::Create(SegmentShape{{8, 3}, 0, 0, 0}).has_value());
}

TEST(Segment, ForkFailuresKeepTheFirstText) {
  auto s = Segment::Create(1, 4);
  ASSERT_TRUE(s.has_value());
  s->RecordForkFailure("cannot fork runner-1: first");
  s->RecordForkFailure("cannot fork runner-2: second");
  EXPECT_EQ(s->header().fork_failures.load(), 2u);
  EXPECT_STREQ(s->header().fork_error, "cannot fork runner-1: first");
}

TEST(Segment, LimitReachedKeepsTheFirstTimeAndTheHighestWanted) {
  auto s = Segment::Create(1, 4, 1, 8);
  ASSERT_TRUE(s.has_value());
  OpenedArea& area = s->opened(0);
  EXPECT_EQ(area.limit_checks.load(), 0u);
  NoteLimitReached(area, 5, 1000);
  NoteLimitReached(area, 9, 2000);
  NoteLimitReached(area, 7, 3000);
  EXPECT_EQ(area.limit_checks.load(), 3u);
  EXPECT_EQ(area.limit_since_wall_ns.load(), 1000);
  EXPECT_EQ(area.limit_wanted_max.load(), 9u);
}

TEST(Ring, FullRingRefusesAndDrainFreesRoom) {
  auto s = Segment::Create(1, 4);
  ASSERT_TRUE(s.has_value());
  RingProducer producer = s->Producer(0);
  for (int i = 0; i < 4; ++i) {
    stats::Record* r = producer.TryClaim();
    ASSERT_NE(r, nullptr) << i;
    r->op_count = static_cast<std::uint64_t>(i);
    producer.Publish();
  }
  EXPECT_EQ(producer.TryClaim(), nullptr);
  RingConsumer consumer = s->Consumer(0);
  EXPECT_EQ(consumer.Available(), 4u);
  std::vector<std::uint64_t> seen;
  EXPECT_EQ(consumer.Drain(3, [&](const stats::Record& r) { seen.push_back(r.op_count); }), 3u);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_NE(producer.TryClaim(), nullptr);
  EXPECT_EQ(consumer.Available(), 1u);
}

TEST(Ring, UnpublishedRecordIsInvisible) {
  auto s = Segment::Create(1, 4);
  ASSERT_TRUE(s.has_value());
  RingProducer producer = s->Producer(0);
  ASSERT_NE(producer.TryClaim(), nullptr);  // claimed, written, never published
  EXPECT_EQ(s->Consumer(0).Available(), 0u);
}

TEST(Ring, ThreadsTransferEveryRecordInOrder) {
  auto s = Segment::Create(1, 64);
  ASSERT_TRUE(s.has_value());
  constexpr std::uint64_t kCount = 100000;
  std::thread producer_thread([&] {
    RingProducer producer = s->Producer(0);
    for (std::uint64_t i = 0; i < kCount; ++i) {
      stats::Record* r;
      while ((r = producer.TryClaim()) == nullptr) std::this_thread::yield();
      r->op_count = i;
      producer.Publish();
    }
  });
  RingConsumer consumer = s->Consumer(0);
  std::uint64_t expected = 0;
  bool in_order = true;
  while (expected < kCount) {
    auto n = consumer.Drain(16, [&](const stats::Record& r) { in_order &= r.op_count == expected++; });
    if (n == 0) std::this_thread::yield();
  }
  producer_thread.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(consumer.Available(), 0u);
}

// The mapping is shared with forked children, which is what the run relies on.
TEST(Segment, ChildWritesAreSeenByTheParent) {
  auto s = Segment::Create(1, 4);
  ASSERT_TRUE(s.has_value());
  pid_t pid = fork();
  if (pid == 0) {
    RingProducer producer = s->Producer(0);
    producer.TryClaim()->op_count = 42;
    producer.Publish();
    s->slot(0).ops.store(7);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(s->slot(0).ops.load(), 7u);
  std::uint64_t seen = 0;
  s->Consumer(0).Drain(4, [&](const stats::Record& r) { seen = r.op_count; });
  EXPECT_EQ(seen, 42u);
}

}  // namespace
}  // namespace pylogen::shm
