// The Redis CUT hosted as an event worker hosts it (a real EpollLoop, a
// fake operation host) against a redis-server of the test's own: replies,
// and no C++ allocation per command once warm.
#include "redis/redis_cut.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "loop/epoll_loop.h"
#include "redis_server.h"
#include "support/allocation_counter.h"

namespace pylogen::cuts {
namespace {

using nlohmann::json;

class FakeHost : public detail::OperationHost {
 public:
  void Complete(Operation& op) override { completed.push_back(op.user()); }
  std::vector<std::uint32_t> completed;
};

class RedisCutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = loop::EpollLoop::Create();
    ASSERT_TRUE(loop.has_value()) << loop.error();
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    if (set_up_) cut_.teardown();
  }
  void SetUpCut(json extra, std::string length, std::uint32_t users) {
    extra["port"] = server_.port();
    ops_ = std::vector<Operation>(users);
    length_ = std::move(length);
    for (std::uint32_t u = 0; u < users; ++u) ops_[u].Prepare(&host_, u);
    cut_.BindHost(&context_, std::move(extra), loop_.get(), users);
    cut_.setup();
    set_up_ = true;
  }
  // Every user's operation, `rounds` times, the loop turned by hand.
  void Rounds(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      std::size_t target = host_.completed.size() + ops_.size();
      for (std::uint32_t u = 0; u < ops_.size(); ++u) {
        ops_[u].Reset(0, length_, 0, ++count_, 0, "Redis");
        cut_.start(ops_[u]);
      }
      for (int turn = 0; turn < 100'000 && host_.completed.size() < target; ++turn)
        loop_->RunOnce(100'000'000);
      ASSERT_EQ(host_.completed.size(), target);
    }
  }

  testing::RedisServer server_;
  std::unique_ptr<loop::EpollLoop> loop_;  // outlives the cut
  FakeHost host_;
  std::vector<Operation> ops_;
  std::string length_;
  Context context_{"T", "Redis", "", 0, 0};
  RedisCut cut_;
  std::uint64_t count_ = 0;
  bool set_up_ = false;
};

TEST_F(RedisCutTest, EachUserSetsItsKeysOnItsOwnConnection) {
  SetUpCut({{"command", {"SET", "k:{n}", "{payload}"}}}, "16", 3);
  Rounds(4);
  for (Operation& op : ops_) {
    ASSERT_EQ(op.requests().size(), 1u);
    EXPECT_EQ(op.requests().begin()->rc, 0);
  }
  EXPECT_EQ(server_.Call({"DBSIZE"}), "12");
  EXPECT_EQ(server_.Call({"STRLEN", "k:7"}), "16");
  EXPECT_EQ(server_.Info("connected_clients"), 1 + 3);  // the test's own, and one per user
}

// Our code (the CUT, its command building and its loop adapter) allocates
// nothing per command once warm; hiredis' own mallocs are not counted.
TEST_F(RedisCutTest, NothingIsAllocatedPerCommandOnceWarm) {
  SetUpCut({{"command", {"SET", "k:{n}", "{payload}"}}}, "384", 2);
  host_.completed.reserve(1000);
  Rounds(20);
  testing::AllocationCounter::Start();
  Rounds(200);
  std::size_t allocations = testing::AllocationCounter::Stop();
  EXPECT_EQ(allocations, 0u);
  for (Operation& op : ops_) EXPECT_EQ(op.requests().begin()->rc, 0);
  EXPECT_EQ(server_.Call({"DBSIZE"}), "440");
}

}  // namespace
}  // namespace pylogen::cuts
