// The opened model's jobs queue: FIFO, bounded, drops when full, and safe
// with several consumers.
#include "shm/jobs_queue.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "shm/segment.h"

namespace pylogen::shm {
namespace {

class JobsQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Segment::Create(1, 2, 1, 8);
    ASSERT_TRUE(s.has_value()) << s.error();
    segment_.emplace(std::move(*s));
  }
  std::optional<Segment> segment_;
};

TEST_F(JobsQueueTest, FirstInFirstOut) {
  JobsQueue q = segment_->Jobs(0);
  EXPECT_FALSE(q.TryPop().has_value());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(q.TryPush(i * 100));
  EXPECT_EQ(q.Backlog(), 5u);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(q.TryPop(), i * 100);
  EXPECT_FALSE(q.TryPop().has_value());
  EXPECT_EQ(q.Backlog(), 0u);
}

TEST_F(JobsQueueTest, FullQueueRefusesSoTheGeneratorCountsADrop) {
  JobsQueue q = segment_->Jobs(0);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(q.TryPush(i));
  EXPECT_FALSE(q.TryPush(8));
  EXPECT_EQ(q.TryPop(), 0);
  EXPECT_TRUE(q.TryPush(8));  // room again, and wrapping around works
  for (int i = 1; i <= 8; ++i) EXPECT_EQ(q.TryPop(), i);
}

TEST_F(JobsQueueTest, SeveralConsumersTakeEachEventExactlyOnce) {
  auto s = Segment::Create(1, 2, 1, 64);
  ASSERT_TRUE(s.has_value());
  JobsQueue q = s->Jobs(0);
  constexpr int kEvents = 100000;
  std::atomic<bool> done{false};
  std::vector<std::vector<std::int64_t>> taken(3);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&, c] {
      JobsQueue mine = s->Jobs(0);
      while (true) {
        if (auto v = mine.TryPop()) {
          taken[c].push_back(*v);
        } else if (done.load()) {
          auto last = mine.TryPop();  // the producer may have pushed just before `done`
          if (!last) break;
          taken[c].push_back(*last);
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  for (int i = 0; i < kEvents; ++i) {
    while (!q.TryPush(i)) std::this_thread::yield();  // full: wait, so that all are counted
  }
  done = true;
  for (auto& t : consumers) t.join();
  std::vector<char> seen(kEvents, 0);
  std::size_t total = 0;
  for (const auto& list : taken) {
    total += list.size();
    for (std::int64_t v : list) {
      ASSERT_GE(v, 0);
      ASSERT_LT(v, kEvents);
      EXPECT_EQ(seen[v]++, 0) << v << " taken twice";
    }
  }
  EXPECT_EQ(total, static_cast<std::size_t>(kEvents));
}

}  // namespace
}  // namespace pylogen::shm
