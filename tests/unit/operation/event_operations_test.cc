// The event-driven SDK's lifecycle as the host runs it: setup/start/cancel/
// teardown order, completion inside start() and out of order, exceptions,
// timers, fd waits, --optimeout, and the records each operation gives.
#include "operation/event_operations.h"

#include <fcntl.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "loop/epoll_loop.h"

namespace pylogen::operation {
namespace {

// What the test CUT does in start(), per test; and what it saw.
struct Script {
  std::function<void(EventClassUnderTest&, Operation&)> start;
  std::vector<std::string> calls;  // hooks in call order
  int depth = 0;                   // start() nesting
  int max_depth = 0;
  std::vector<Operation*> cancelled;
  std::function<void(Operation&)> cancel;  // after it is noted (may throw)
  std::function<void()> teardown;          // likewise
};
Script* g_script = nullptr;

class ScriptedCut : public EventClassUnderTest {
 public:
  void setup() override { g_script->calls.push_back("setup"); }
  void teardown() override {
    g_script->calls.push_back("teardown");
    if (g_script->teardown) g_script->teardown();
  }
  void cancel(Operation& op) override {
    g_script->calls.push_back("cancel");
    g_script->cancelled.push_back(&op);
    if (g_script->cancel) g_script->cancel(op);
  }
  void start(Operation& op) override {
    g_script->calls.push_back("start " + std::to_string(op.user()));
    ++g_script->depth;
    g_script->max_depth = std::max(g_script->max_depth, g_script->depth);
    struct Leave {
      ~Leave() { --g_script->depth; }
    } leave;
    g_script->start(*this, op);
  }
};

const CutDescriptor kScripted = detail::DescriptorOf<ScriptedCut>("ScriptedCut");

class EventOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_script = &script_;
    auto s = shm::Segment::Create(1, 1024);
    ASSERT_TRUE(s.has_value());
    segment_.emplace(std::move(*s));
    auto l = loop::EpollLoop::Create();
    ASSERT_TRUE(l.has_value()) << l.error();
    loop_ = std::move(*l);
    plan_.loads.emplace_back();
    load_ = &plan_.loads.back();
    load_->id = "T";
    load_->cut_name = "Scripted";
    load_->cut = &kScripted;
    load_->extra = "{}";
    load_->lengths = {"0", "64"};
    load_->concurrency = 4;
  }
  void TearDown() override {
    ops_.reset();  // teardown() still reports to the script
    g_script = nullptr;
  }

  EventOperations& Ops(shm::Slot* slot = nullptr) {
    if (!ops_) {
      auto cut = EventCutInstance::Create(*load_, 0, *loop_, slot);
      EXPECT_TRUE(cut.has_value()) << cut.error();
      ops_.emplace(*segment_, 0, 0, 1.0, std::move(*cut));
    }
    return *ops_;
  }
  std::vector<stats::Record> Drain() {
    std::vector<stats::Record> out;
    segment_->Consumer(0).Drain(1 << 20, [&](const stats::Record& r) { out.push_back(r); });
    return out;
  }
  // Runs the loop until `done` or a bounded number of turns.
  void RunUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 10000 && !done(); ++i) loop_->RunOnce(10'000'000);
  }

  Script script_;
  std::optional<shm::Segment> segment_;
  std::unique_ptr<loop::EpollLoop> loop_;
  plan::RunPlan plan_;
  plan::LoadPlan* load_ = nullptr;
  std::optional<EventOperations> ops_;
};

TEST_F(EventOperationsTest, CompletionInsideStartIsFollowedUpFromTheLoopNotRecursively) {
  script_.start = [](EventClassUnderTest&, Operation& op) {
    op.exec("R", [] {});
    op.Complete();
  };
  EventOperations& ops = Ops();
  ops.Start(2, 1, "64");
  EXPECT_EQ(ops.in_flight(), 0u);
  const auto& done = ops.TakeCompleted();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], 2u);
  EXPECT_EQ(script_.max_depth, 1);
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_STREQ(records[0].request, "R");
  EXPECT_STREQ(records[0].manager, "Scripted");
  EXPECT_EQ(records[0].length_index, 1);
  EXPECT_EQ(records[0].op_count, 1u);
  EXPECT_EQ(segment_->slot(0).ops.load(), 1u);
}

TEST_F(EventOperationsTest, OperationsCompleteInAnyOrderEachWithItsOwnRecords) {
  std::vector<Operation*> open;
  script_.start = [&](EventClassUnderTest&, Operation& op) {
    op.Begin("R" + std::to_string(op.user()));
    open.push_back(&op);
  };
  EventOperations& ops = Ops();
  for (std::uint32_t u = 0; u < 3; ++u) ops.Start(u, 0, "0");
  EXPECT_EQ(ops.in_flight(), 3u);
  EXPECT_EQ(segment_->slot(0).busy.load(), 3u);
  for (int i = 2; i >= 0; --i) open[i]->Complete();
  const auto& done = ops.TakeCompleted();
  EXPECT_EQ(done, (std::vector<std::uint32_t>{2, 1, 0}));
  auto records = Drain();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_STREQ(records[0].request, "R2");
  EXPECT_EQ(records[0].op_count, 3u);  // the process' count, taken at start
  EXPECT_STREQ(records[2].request, "R0");
  EXPECT_EQ(records[2].op_count, 1u);
  EXPECT_EQ(segment_->slot(0).busy.load(), 0u);
}

TEST_F(EventOperationsTest, SeveralRequestsGiveATransactionSharingTheOperationCount) {
  script_.start = [](EventClassUnderTest&, Operation& op) {
    std::size_t a = op.Begin("A");
    std::size_t b = op.Begin("B");  // overlaps A
    op.End(a);
    op.End(b, 7, "bad");
    op.Complete();
  };
  Ops().Start(0, 0, "0");
  auto records = Drain();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].kind, stats::RecordKind::kTransaction);
  EXPECT_EQ(records[0].rc, 7);
  EXPECT_STREQ(records[0].error, "bad");
  EXPECT_EQ(records[1].op_count, records[0].op_count);
  EXPECT_TRUE(records[1].in_transaction());
  EXPECT_STREQ(records[2].request, "B");
}

TEST_F(EventOperationsTest, AnExceptionInStartFailsTheOperationWithRc16) {
  script_.start = [](EventClassUnderTest&, Operation&) { throw std::runtime_error("no route"); };
  EventOperations& ops = Ops();
  ops.Start(0, 0, "0");
  EXPECT_EQ(ops.in_flight(), 0u);
  EXPECT_EQ(ops.TakeCompleted().size(), 1u);
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_STREQ(records[0].request, "start");
  EXPECT_EQ(records[0].rc, kRcException);
  EXPECT_STREQ(records[0].error, "no route");
}

TEST_F(EventOperationsTest, AThrowAfterCompletingKeepsTheCompletion) {
  script_.start = [](EventClassUnderTest&, Operation& op) {
    op.exec("R", [] {});
    op.Complete();
    throw 42;
  };
  Ops().Start(0, 0, "0");
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_STREQ(records[0].request, "R");
  EXPECT_EQ(records[0].rc, 0);
}

TEST_F(EventOperationsTest, ASecondCompleteIsIgnored) {
  Operation* kept = nullptr;
  script_.start = [&](EventClassUnderTest&, Operation& op) {
    op.exec("R", [] {});
    kept = &op;
    op.Complete();
  };
  EventOperations& ops = Ops();
  ops.Start(1, 0, "0");
  EXPECT_EQ(ops.stray_completions(), 0u);
  kept->Complete();
  kept->Complete();
  EXPECT_EQ(ops.TakeCompleted().size(), 1u);
  EXPECT_EQ(Drain().size(), 1u);
  EXPECT_EQ(ops.stray_completions(), 2u);  // counted, for the supervisor to say once
}

TEST_F(EventOperationsTest, ACancelThatThrowsIsCountedWithTheFirstTextAndTheOperationStillTimesOut) {
  load_->optimeout_ns = 1'000'000'000;
  script_.start = [](EventClassUnderTest&, Operation& op) { op.Begin("HANG"); };
  script_.cancel = [](Operation& op) {
    if (op.user() == 0) throw std::runtime_error("first cancel broke");
    throw 42;
  };
  EventOperations& ops = Ops();
  ops.Start(0, 0, "0");
  ops.Start(1, 0, "0");
  std::int64_t now = MonotonicNanos();
  EXPECT_EQ(ops.ExpireOverdue(now + 2'000'000'000), EventOperations::kNoDeadline);
  EXPECT_EQ(ops.in_flight(), 0u);
  EXPECT_EQ(ops.cancel_errors(), 2u);
  EXPECT_EQ(ops.first_cancel_error(), "Scripted: first cancel broke");
  auto records = Drain();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].rc, kRcTimeout);
  EXPECT_EQ(records[1].rc, kRcTimeout);
}

struct TimerState {
  Operation* op;
  std::size_t request;
};

TEST_F(EventOperationsTest, ATimerCompletesTheOperationLater) {
  std::vector<TimerState> states(4);
  script_.start = [&](EventClassUnderTest& cut, Operation& op) {
    TimerState& s = states[op.user()];
    s = {&op, op.Begin("SLEEP")};
    // A later user's timer fires first: completions come out of order.
    cut.loop().AddTimer(1'000'000 * (4 - op.user()), [](void* arg) {
      auto& t = *static_cast<TimerState*>(arg);
      t.op->End(t.request);
      t.op->Complete();
    }, &s);
  };
  EventOperations& ops = Ops();
  for (std::uint32_t u = 0; u < 4; ++u) ops.Start(u, 0, "0");
  std::vector<std::uint32_t> order;
  RunUntil([&] {
    for (std::uint32_t u : ops.TakeCompleted()) order.push_back(u);
    return order.size() == 4;
  });
  EXPECT_EQ(order, (std::vector<std::uint32_t>{3, 2, 1, 0}));
  for (const stats::Record& r : Drain()) EXPECT_GE(r.service_ns, 1'000'000);
}

struct PipeState {
  Operation* op;
  std::size_t request;
  int fds[2];
};

TEST_F(EventOperationsTest, AnFdWaitCompletesTheOperationWhenReadable) {
  PipeState state{};
  ASSERT_EQ(pipe2(state.fds, O_NONBLOCK), 0);
  script_.start = [&](EventClassUnderTest& cut, Operation& op) {
    state.op = &op;
    state.request = op.Begin("READ");
    int rc = cut.loop().Watch(state.fds[0], EventLoop::kReadable, [](void* arg, int fd, std::uint32_t events) {
      auto& s = *static_cast<PipeState*>(arg);
      char c;
      EXPECT_TRUE(events & EventLoop::kReadable);
      EXPECT_EQ(read(fd, &c, 1), 1);
      s.op->request(s.request).AddBytes(1, 0);
      s.op->End(s.request);
      s.op->Complete();
    }, &state);
    EXPECT_EQ(rc, 0);
  };
  EventOperations& ops = Ops();
  ops.Start(0, 0, "0");
  loop_->RunOnce(0);
  EXPECT_EQ(ops.in_flight(), 1u);  // nothing written yet
  ASSERT_EQ(write(state.fds[1], "x", 1), 1);
  RunUntil([&] { return ops.in_flight() == 0; });
  loop_->Unwatch(state.fds[0]);
  auto records = Drain();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].bytes_in, 1u);
  close(state.fds[0]);
  close(state.fds[1]);
}

TEST_F(EventOperationsTest, AnOperationPastItsTimeoutIsCancelledWithRc17) {
  load_->optimeout_ns = 5'000'000'000;
  script_.start = [](EventClassUnderTest&, Operation& op) {
    if (op.user() == 0) op.Begin("HANG");  // user 1 makes no request at all
  };
  EventOperations& ops = Ops();
  ops.Start(0, 0, "0");
  ops.Start(1, 0, "0");
  std::int64_t now = MonotonicNanos();
  std::int64_t next = ops.ExpireOverdue(now);
  EXPECT_GT(next, now);
  EXPECT_EQ(ops.in_flight(), 2u);
  EXPECT_EQ(ops.ExpireOverdue(now + 6'000'000'000), EventOperations::kNoDeadline);
  EXPECT_EQ(ops.in_flight(), 0u);
  EXPECT_EQ(script_.cancelled.size(), 2u);
  auto records = Drain();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_STREQ(records[0].request, "HANG");
  EXPECT_EQ(records[0].rc, kRcTimeout);
  EXPECT_STREQ(records[1].request, "optimeout");
  EXPECT_EQ(records[1].rc, kRcTimeout);
  EXPECT_NE(std::string(records[1].error).find("--optimeout"), std::string::npos);
}

TEST_F(EventOperationsTest, SetupBeforeTheFirstStartTeardownAfterTheLast) {
  script_.start = [](EventClassUnderTest&, Operation& op) { op.Complete(); };
  Ops().Start(0, 0, "0");
  Ops().Start(1, 0, "0");
  ops_.reset();
  EXPECT_EQ(script_.calls, (std::vector<std::string>{"setup", "start 0", "start 1", "teardown"}));
}

TEST_F(EventOperationsTest, AFailingTeardownIsRecordedInTheSlot) {
  script_.teardown = [] { throw std::runtime_error("teardown broke"); };
  shm::Slot& slot = segment_->slot(0);
  Ops(&slot);
  ops_.reset();
  EXPECT_EQ(slot.error_kind, shm::SlotError::kTeardown);
  EXPECT_STREQ(slot.error, "Scripted: teardown failed: teardown broke");
}

}  // namespace
}  // namespace pylogen::operation
