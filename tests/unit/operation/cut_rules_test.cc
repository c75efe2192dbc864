// The rules the README's "Writing a CUT" states for a blocking CUT, on the
// per-operation path itself (CutInstance, RequestsManager, OpReporter): how
// a transaction's rc and message are chosen, what a returned rc does to
// Fail's, the order of one operation's hooks, what an exception in a hook
// becomes, what the constructor sees, and that teardown() only follows a
// setup() that succeeded.
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "operation/cut_instance.h"
#include "operation/op_reporter.h"
#include "operation/operation.h"

namespace pylogen::operation {
namespace {

// ---- A transaction's rc and message ----

class TransactionRc : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = shm::Segment::Create(1, 16);
    ASSERT_TRUE(s.has_value());
    segment_.emplace(std::move(*s));
  }
  // The records of one operation made of `manager`'s requests.
  std::vector<stats::Record> Report(const RequestsManager& manager) {
    OpReporter reporter(segment_->Producer(0), &segment_->slot(0), 0, 1, 0);
    reporter.Report(manager, {1, 0, 0});
    std::vector<stats::Record> out;
    segment_->Consumer(0).Drain(100, [&](const stats::Record& r) { out.push_back(r); });
    return out;
  }
  std::optional<shm::Segment> segment_;
};

// The issue's example: Fail(3) then Fail(-5) gives -5, its magnitude is the larger.
TEST_F(TransactionRc, TheRequestOfLargestMagnitudeGivesRcAndMessage) {
  RequestsManager m("Tx");
  m.exec("A", [](Request& r) { r.Fail(3, "three"); });
  m.exec("B", [](Request& r) { r.Fail(-5, "minus five"); });
  m.exec("C", [] {});
  auto records = Report(m);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].kind, stats::RecordKind::kTransaction);
  EXPECT_EQ(records[0].rc, -5);
  EXPECT_STREQ(records[0].error, "minus five");
  EXPECT_EQ(records[1].rc, 3);
  EXPECT_EQ(records[2].rc, -5);
  EXPECT_EQ(records[3].rc, 0);
}

TEST_F(TransactionRc, ATieGoesToTheFirst) {
  RequestsManager m("Tx");
  m.exec("A", [](Request& r) { r.Fail(3, "plus three"); });
  m.exec("B", [](Request& r) { r.Fail(-3, "minus three"); });
  auto records = Report(m);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].rc, 3);
  EXPECT_STREQ(records[0].error, "plus three");
}

TEST_F(TransactionRc, AllSucceededGivesZeroAndNoMessage) {
  RequestsManager m("Tx");
  m.exec("A", [] {});
  m.exec("B", [] { return 0; });
  auto records = Report(m);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].rc, 0);
  EXPECT_STREQ(records[0].error, "");
}

// An int result is the rc, whatever Fail() said before.
TEST(Executor, AReturnedZeroWinsOverFail) {
  RequestsManager m;
  int rc = m.exec("R", [](Request& r) {
    r.Fail(4, "said, then taken back");
    return 0;
  });
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(m.begin()->rc, 0);
}

// ---- Hooks ----

// Records the hooks called, in order; throws in the one named `throw_in`.
struct Calls {
  std::vector<std::string> hooks;
  std::string throw_in;
  bool ctor_saw_empty_extra = false;
  bool ctor_saw_no_cut_name = false;
  std::vector<std::uint64_t> op_counts;  // op_count() seen by each func()
  std::vector<std::int64_t> intended;    // intended_ns() seen by each func()
};
Calls* g_calls = nullptr;

class Recorder : public ClassUnderTest {
 public:
  Recorder() {
    Hook("constructor");
    g_calls->ctor_saw_empty_extra = extra().empty();
    g_calls->ctor_saw_no_cut_name = context().cut_name.empty();
  }
  ~Recorder() override { g_calls->hooks.push_back("destructor"); }
  void setup() override { Hook("setup"); }
  void teardown() override { Hook("teardown"); }
  void resetBeforeSteps() override { Hook("resetBeforeSteps"); }
  void resetBeforeStep() override { Hook("resetBeforeStep"); }
  void genDatas() override { Hook("genDatas"); }
  void processDatas() override { Hook("processDatas"); }
  void func() override {
    requests().exec("R", [] {});
    g_calls->op_counts.push_back(op_count());
    g_calls->intended.push_back(intended_ns());
    Hook("func");
  }

 private:
  static void Hook(const std::string& name) {
    g_calls->hooks.push_back(name);
    if (g_calls->throw_in == name) throw std::runtime_error(name + " broke");
  }
};

class Hooks : public ::testing::Test {
 protected:
  void SetUp() override { g_calls = &calls_; }
  void TearDown() override { g_calls = nullptr; }
  plan::LoadPlan Load() {
    plan::LoadPlan load;
    load.id = "Test";
    load.cut_name = "Test";
    load.cut_path = "/nowhere/Test.so";
    load.cut = &descriptor_;
    load.extra = R"({"k":1})";
    return load;
  }
  Calls calls_;
  CutDescriptor descriptor_{kAbiVersion, LayoutFingerprint(),
                            "Recorder",  CutKind::kBlocking,
                            [] { return static_cast<ClassUnderTest*>(new Recorder()); },
                            [](ClassUnderTest* cut) { delete cut; },
                            nullptr,     nullptr};
};

TEST_F(Hooks, OneProcessRunsThemInOrderAndTearsDownOnce) {
  plan::LoadPlan load = Load();
  {
    auto cut = CutInstance::Create(load, 0);
    ASSERT_TRUE(cut.has_value()) << cut.error();
    EXPECT_TRUE(calls_.ctor_saw_empty_extra);  // --extra and the context come after it
    EXPECT_TRUE(calls_.ctor_saw_no_cut_name);
    EXPECT_EQ((*cut)->extra().value("k", 0), 1);
    cut->RunOperation(0, "a");
    cut->RunOperation(1, "b");
  }
  std::vector<std::string> expected = {"constructor", "setup",
                                       "resetBeforeStep", "genDatas", "processDatas", "func",
                                       "resetBeforeStep", "genDatas", "processDatas", "func",
                                       "teardown", "destructor"};
  // resetBeforeSteps() is the closed runner's, per loop: an operation never calls it.
  EXPECT_EQ(calls_.hooks, expected);
}

TEST_F(Hooks, ASetupThatThrowsIsNotFollowedByTeardown) {
  calls_.throw_in = "setup";
  plan::LoadPlan load = Load();
  auto cut = CutInstance::Create(load, 0);
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error(), "Test: setup failed: setup broke");
  EXPECT_EQ(calls_.hooks, (std::vector<std::string>{"constructor", "setup", "destructor"}));
}

TEST_F(Hooks, AConstructorThatThrowsIsReportedAsSuch) {
  calls_.throw_in = "constructor";
  plan::LoadPlan load = Load();
  auto cut = CutInstance::Create(load, 0);
  ASSERT_FALSE(cut.has_value());
  EXPECT_EQ(cut.error(), "Test: constructor threw: constructor broke");
}

// A data hook that throws: the rest of the operation is skipped, and a
// request "func" with rc 16 and the message is recorded.
TEST_F(Hooks, ADataHookThatThrowsSkipsTheRestAndRecordsFunc) {
  calls_.throw_in = "genDatas";
  plan::LoadPlan load = Load();
  auto cut = CutInstance::Create(load, 0);
  ASSERT_TRUE(cut.has_value()) << cut.error();
  cut->RunOperation(0, "a");
  EXPECT_EQ(calls_.hooks,
            (std::vector<std::string>{"constructor", "setup", "resetBeforeStep", "genDatas"}));
  const RequestsManager& requests = (*cut)->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_STREQ(requests.begin()->name, "func");
  EXPECT_EQ(requests.begin()->rc, kRcException);
  EXPECT_STREQ(requests.begin()->error, "genDatas broke");
}

// func() throwing after a request: the request stays, "func" follows it,
// and the operation is a failed transaction.
TEST_F(Hooks, AnExceptionAfterARequestMakesAFailedTransaction) {
  calls_.throw_in = "func";
  plan::LoadPlan load = Load();
  auto cut = CutInstance::Create(load, 0);
  ASSERT_TRUE(cut.has_value()) << cut.error();
  cut->RunOperation(0, "a");
  const RequestsManager& requests = (*cut)->requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_STREQ(requests.begin()[0].name, "R");
  EXPECT_EQ(requests.begin()[0].rc, 0);
  EXPECT_STREQ(requests.begin()[1].name, "func");
  EXPECT_EQ(requests.begin()[1].rc, kRcException);
}

// A blocking CUT sees the operation under way, through the per-operation
// path the workers use: op_count() counts from 1, intended_ns() is the
// event's due instant (monotonic) in the opened model and 0 in the closed.
TEST_F(Hooks, ABlockingCutSeesItsOperationCountAndDueInstant) {
  plan::LoadPlan load = Load();
  auto segment = shm::Segment::Create(1, 16);
  ASSERT_TRUE(segment.has_value());
  auto cut = CutInstance::Create(load, 0);
  ASSERT_TRUE(cut.has_value()) << cut.error();
  Operations ops(*segment, 0, 0, 1.0, std::move(*cut));
  ops.Run(0, "a");
  ops.Run(0, "a", 123456789);
  ops.Run(0, "a");
  EXPECT_EQ(calls_.op_counts, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(calls_.intended, (std::vector<std::int64_t>{0, 123456789, 0}));
}

}  // namespace
}  // namespace pylogen::operation
