// Starting processes in slots: a reused slot keeps each process' counts, a
// failed fork is counted once with its text.
#include "process/slot_child.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "process/fake_forker.h"
#include "reader/process_list.h"

namespace pylogen::process {
namespace {

class SlotChildTest : public ::testing::Test {
 protected:
  void Make(std::uint32_t ended_capacity) {
    plan_.loads.emplace_back();
    plan::LoadPlan& load = plan_.loads.back();
    load.id = "L";
    load.processes = 2;
    load.opened.emplace();
    plan_.slot_count = 2;
    auto s = shm::Segment::Create(shm::SegmentShape{{4, 4}, 1, 8, ended_capacity});
    ASSERT_TRUE(s.has_value()) << s.error();
    segment_.emplace(std::move(*s));
  }
  // Starts a process in `slot`, which runs `ops` operations and ends.
  pid_t RunOnce(std::uint32_t slot, std::uint64_t ops) {
    pid_t pid = StartInSlot(forker_, *segment_, slot, 0, 0, "worker", [] { return 0; });
    segment_->slot(slot).ops.store(ops);
    segment_->slot(slot).waits.store(ops * 10);
    RecordExit(*segment_, slot, 0, false);
    return pid;
  }
  plan::RunPlan plan_;
  FakeForker forker_;
  std::optional<shm::Segment> segment_;
};

TEST_F(SlotChildTest, ReusedSlotListsEachProcessWithItsOwnCounts) {
  Make(shm::kEndedProcesses);
  pid_t first = RunOnce(0, 5);
  pid_t second = RunOnce(0, 7);
  pid_t other = RunOnce(1, 1);
  EXPECT_EQ(segment_->ended_listed(), 1u);
  EXPECT_EQ(segment_->slot(0).ops.load(), 7u);  // the second process' own count
  reader::ProcessList list = reader::ListProcesses(plan_, *segment_);
  ASSERT_EQ(list.listed.size(), 3u);
  EXPECT_EQ(list.listed[0].pid, first);
  EXPECT_EQ(list.listed[0].operations, 5u);
  EXPECT_EQ(list.listed[0].waits, 50u);
  EXPECT_EQ(list.listed[0].state, "ended");
  EXPECT_EQ(list.listed[0].name, "worker-0");
  EXPECT_EQ(list.listed[1].pid, second);
  EXPECT_EQ(list.listed[1].operations, 7u);
  EXPECT_EQ(list.listed[2].pid, other);
  EXPECT_EQ(list.unlisted, 0u);
  EXPECT_EQ(reader::OperationsOfLoad(plan_.loads[0], *segment_), 13u);
}

TEST_F(SlotChildTest, FullTableCountsTheRestInTheTotals) {
  Make(1);
  RunOnce(0, 5);
  RunOnce(0, 7);   // archived: the table's one entry
  RunOnce(0, 11);  // archived: the table is full
  RunOnce(0, 13);  // live
  reader::ProcessList list = reader::ListProcesses(plan_, *segment_);
  ASSERT_EQ(list.listed.size(), 2u);
  EXPECT_EQ(list.listed[0].operations, 5u);
  EXPECT_EQ(list.listed[1].operations, 13u);
  EXPECT_EQ(list.unlisted, 2u);
  EXPECT_EQ(list.unlisted_operations, 18u);
  EXPECT_EQ(list.unlisted_waits, 180u);
  EXPECT_EQ(reader::OperationsOfLoad(plan_.loads[0], *segment_), 36u);
}

// What EventProcess::Publish leaves in the slot of an event-driven process.
void PublishLoop(shm::Slot& slot, std::int64_t cpu_ns, std::uint64_t callback_errors,
                 const char* first_error) {
  slot.cpu_ns = cpu_ns;
  slot.run_ns = 2'000'000'000;
  slot.lag_p99_ns = 4096;
  slot.lag_max_ns = 9000;
  slot.lag_timers = 17;
  slot.callback_errors = callback_errors;
  CopyBounded(slot.callback_error, sizeof slot.callback_error, first_error);
  slot.loop_published.store(1, std::memory_order_release);
}

TEST_F(SlotChildTest, ReusedSlotKeepsEachProcessLoopFigures) {
  Make(shm::kEndedProcesses);
  StartInSlot(forker_, *segment_, 0, 0, 0, "worker", [] { return 0; });
  PublishLoop(segment_->slot(0), 1'500'000'000, 2, "boom");
  RecordExit(*segment_, 0, 0, false);
  RunOnce(0, 3);  // a later process that published nothing
  reader::ProcessList list = reader::ListProcesses(plan_, *segment_);
  ASSERT_EQ(list.listed.size(), 2u);
  const output::WorkerSummary& first = list.listed[0];
  ASSERT_TRUE(first.event_driven);
  EXPECT_EQ(first.loop.cpu_ns, 1'500'000'000);
  EXPECT_EQ(first.loop.run_ns, 2'000'000'000);
  EXPECT_EQ(first.loop.lag_p99_ns, 4096);
  EXPECT_EQ(first.loop.lag_max_ns, 9000);
  EXPECT_EQ(first.loop.timers, 17u);
  EXPECT_EQ(first.loop.callback_errors, 2u);
  EXPECT_EQ(first.loop.callback_error, "boom");
  // The slot's figures went with its first process, not to the next one.
  EXPECT_FALSE(list.listed[1].event_driven);
  EXPECT_EQ(list.listed[1].loop.callback_errors, 0u);
}

TEST_F(SlotChildTest, FullTableStillCountsTheCallbackErrors) {
  Make(0);
  StartInSlot(forker_, *segment_, 0, 0, 0, "worker", [] { return 0; });
  PublishLoop(segment_->slot(0), 1, 3, "first");
  RecordExit(*segment_, 0, 0, false);
  StartInSlot(forker_, *segment_, 0, 0, 0, "worker", [] { return 0; });
  PublishLoop(segment_->slot(0), 1, 1, "second");
  RecordExit(*segment_, 0, 0, false);
  reader::ProcessList list = reader::ListProcesses(plan_, *segment_);
  EXPECT_EQ(list.unlisted, 1u);
  EXPECT_EQ(list.unlisted_callback_errors, 3u);
  ASSERT_EQ(list.listed.size(), 1u);
  EXPECT_EQ(list.listed[0].loop.callback_errors, 1u);
  EXPECT_EQ(list.listed[0].loop.callback_error, "second");
}

TEST_F(SlotChildTest, FailedForkIsCountedOnceWithTheFirstText) {
  Make(0);
  forker_ = FakeForker(0);
  EXPECT_EQ(StartInSlot(forker_, *segment_, 0, 0, 0, "worker-0", [] { return 0; }), -1);
  EXPECT_EQ(StartInSlot(forker_, *segment_, 1, 0, 1, "worker-1", [] { return 0; }), -1);
  EXPECT_EQ(segment_->header().fork_failures.load(), 2u);
  EXPECT_STREQ(segment_->header().fork_error,
               "cannot fork worker-0: Resource temporarily unavailable");
  EXPECT_EQ(segment_->slot(0).state.load(), shm::SlotState::kIdle);
  EXPECT_EQ(segment_->header().started.load(), 0u);
  EXPECT_TRUE(reader::ListProcesses(plan_, *segment_).listed.empty());
}

TEST_F(SlotChildTest, AnExceptionEscapingTheBodyIsRecordedInTheSlot) {
  Make(shm::kEndedProcesses);
  shm::Slot& slot = segment_->slot(1);
  EXPECT_EQ(RunRecordingEscapes(slot, [] { return 0; }), 0);
  EXPECT_EQ(slot.error_kind, shm::SlotError::kNone);
  EXPECT_EQ(RunRecordingEscapes(slot, []() -> int { throw std::runtime_error("steps broke"); }), 1);
  EXPECT_EQ(slot.error_kind, shm::SlotError::kEscaped);
  EXPECT_STREQ(slot.error, "an exception escaped: steps broke");
  EXPECT_EQ(RunRecordingEscapes(slot, []() -> int { throw 7; }), 1);
  EXPECT_STREQ(slot.error, "an unknown exception escaped");
  // The next process of the slot starts clean.
  StartInSlot(forker_, *segment_, 1, 0, 0, "worker", [] { return 0; });
  EXPECT_EQ(slot.error_kind, shm::SlotError::kNone);
  EXPECT_STREQ(slot.error, "");
}

}  // namespace
}  // namespace pylogen::process
