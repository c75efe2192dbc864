// The sample CUT cuts/Dummy.cc (and the Throw/FailSetup test CUTs) driven the
// way a runner drives them: the real loader, then CutInstance.
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cut/loader.h"
#include "plan/run_plan.h"
#include "operation/cut_instance.h"
#include "pylogen/cut.h"

namespace pylogen::operation {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMs = 1'000'000;

cut::LoadedCut LoadOrDie(const fs::path& folder, const std::string& name) {
  cut::SearchPaths paths;
  paths.cwd = "/nonexistent";
  paths.own = {folder};
  auto loaded = cut::LoadedCut::Load(name, paths);
  // Thrown from a fixture's constructor, the message fails the test.
  if (!loaded) throw std::runtime_error(loaded.error());
  return std::move(*loaded);
}

plan::LoadPlan PlanFor(const cut::LoadedCut& loaded, std::string extra,
                       std::vector<std::string> lengths = {"384"}) {
  plan::LoadPlan load;
  load.id = "TEST";
  load.cut = &loaded.descriptor();
  load.cut_name = loaded.name();
  load.cut_path = loaded.path().string();
  load.extra = std::move(extra);
  load.lengths = std::move(lengths);
  return load;
}

// The requests of the last operation, as a name list.
std::vector<std::string> Names(const CutInstance& instance) {
  std::vector<std::string> names;
  for (const Request& r : instance->requests()) names.emplace_back(r.name);
  return names;
}

class DummyTest : public ::testing::Test {
 protected:
  cut::LoadedCut dummy_ = LoadOrDie(PYLOGEN_SAMPLE_CUT_DIR, "Dummy");
};

TEST_F(DummyTest, NoSleepMakesOneFastRequestNamedAfterTheLength) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  ASSERT_EQ(Names(*instance), std::vector<std::string>{"R_384"});
  const Request& r = *(*instance)->requests().begin();
  EXPECT_EQ(r.rc, 0);
  EXPECT_STREQ(r.error, "");
  EXPECT_GE(r.duration_ns(), 0);
  EXPECT_LT(r.duration_ns(), 1 * kMs);
}

TEST_F(DummyTest, RequestNameFollowsTheLength) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":0})", {"384", "512", "small"});
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  for (int loop = 0; loop < 2; ++loop) {
    for (std::size_t i = 0; i < load.lengths.size(); ++i) {
      instance->RunOperation(i, load.lengths[i]);
      EXPECT_EQ(Names(*instance), std::vector<std::string>{"R_" + load.lengths[i]});
      EXPECT_EQ((*instance)->length_index(), i);
    }
  }
}

TEST_F(DummyTest, BindsContextBeforeSetup) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":0})");
  auto instance = CutInstance::Create(load, 3);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  const Context& context = (*instance)->context();
  EXPECT_EQ(context.id, "TEST");
  EXPECT_EQ(context.cut_name, "Dummy");
  EXPECT_EQ(fs::path(context.cut_dir), fs::absolute(fs::path(PYLOGEN_SAMPLE_CUT_DIR)));
  EXPECT_EQ(context.process_index, 3);
  EXPECT_EQ(context.pid, static_cast<int>(getpid()));
  EXPECT_STREQ((*instance)->requests().name(), "Dummy");
  EXPECT_EQ((*instance)->extra().value("sleep", -1.0), 0.0);
}

// The default sleep is 1 s; a short explicit sleep shows the request really sleeps.
TEST_F(DummyTest, SleepIsTimed) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":0.01})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  ASSERT_EQ((*instance)->requests().size(), 1u);
  const Request& r = *(*instance)->requests().begin();
  EXPECT_EQ(r.rc, 0);
  EXPECT_GE(r.duration_ns(), 10 * kMs);
  EXPECT_LT(r.duration_ns(), 1000 * kMs);  // not the 1 s default
}

TEST_F(DummyTest, TransactionMakesThreeRequestsInOrder) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"transaction":true,"sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  for (int op = 0; op < 2; ++op) {  // requests are reset between operations
    instance->RunOperation(0, load.lengths[0]);
    EXPECT_EQ(Names(*instance), (std::vector<std::string>{"R0-EXEC", "R1-EXEC", "R2-EXEC"}));
    for (const Request& r : (*instance)->requests()) EXPECT_EQ(r.rc, 0) << r.name;
  }
}

TEST_F(DummyTest, ErrorEveryThirdCall) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"error":3,"sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  for (int call = 1; call <= 10; ++call) {
    instance->RunOperation(0, load.lengths[0]);
    ASSERT_EQ((*instance)->requests().size(), 1u);
    const Request& r = *(*instance)->requests().begin();
    if (call % 3 == 0) {
      EXPECT_NE(r.rc, 0) << "call " << call;
      EXPECT_STRNE(r.error, "") << "call " << call;
      EXPECT_NE(std::string(r.error).find(std::to_string(call)), std::string::npos) << r.error;
    } else {
      EXPECT_EQ(r.rc, 0) << "call " << call;
      EXPECT_STREQ(r.error, "") << "call " << call;
    }
  }
}

TEST_F(DummyTest, NegativeSleepFailsCreate) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":-1})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_NE(instance.error().find("Dummy"), std::string::npos) << instance.error();
  EXPECT_NE(instance.error().find("sleep"), std::string::npos) << instance.error();
}

TEST_F(DummyTest, NegativeErrorFailsCreate) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"error":-2,"sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_NE(instance.error().find("error"), std::string::npos) << instance.error();
}

// Pylogen's spellings: {"transaction":1} and a sleep given as a string.
TEST_F(DummyTest, TransactionOneMakesATransaction) {
  for (const char* extra :
       {R"({"transaction":1,"sleep":0})", R"({"transaction":"yes","sleep":0})"}) {
    plan::LoadPlan load = PlanFor(dummy_, extra);
    auto instance = CutInstance::Create(load, 0);
    ASSERT_TRUE(instance.has_value()) << extra << ": " << instance.error();
    instance->RunOperation(0, load.lengths[0]);
    EXPECT_EQ(Names(*instance), (std::vector<std::string>{"R0-EXEC", "R1-EXEC", "R2-EXEC"}))
        << extra;
  }
}

TEST_F(DummyTest, ExplicitFalseOrZeroTransactionIsOff) {
  for (const char* extra : {R"({"transaction":false,"sleep":0})", R"({"transaction":0,"sleep":0})",
                            R"({"transaction":"no","sleep":0})"}) {
    plan::LoadPlan load = PlanFor(dummy_, extra);
    auto instance = CutInstance::Create(load, 0);
    ASSERT_TRUE(instance.has_value()) << extra << ": " << instance.error();
    instance->RunOperation(0, load.lengths[0]);
    EXPECT_EQ(Names(*instance), std::vector<std::string>{"R_384"}) << extra;
  }
}

TEST_F(DummyTest, SleepAsAStringIsTimed) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":"0.01"})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  ASSERT_EQ((*instance)->requests().size(), 1u);
  const Request& r = *(*instance)->requests().begin();
  EXPECT_EQ(r.rc, 0);
  EXPECT_GE(r.duration_ns(), 10 * kMs);    // slept: the string was read, not the 0 fallback
  EXPECT_LT(r.duration_ns(), 1000 * kMs);  // not the 1 s default
}

TEST_F(DummyTest, ErrorAsAStringIsRead) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"error":"1","sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  EXPECT_EQ((*instance)->requests().begin()->rc, 1);
}

TEST_F(DummyTest, SleepNotANumberFailsCreateNamingKeyAndType) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"sleep":"x"})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  const std::string& error = instance.error();
  EXPECT_NE(error.find(R"(extra.sleep: expected a number of seconds from 0 to 8640000, got "x")"),
            std::string::npos)
      << error;
  EXPECT_EQ(error.find("json.exception"), std::string::npos) << error;
}

TEST_F(DummyTest, TransactionNotAFlagFailsCreateNamingKeyAndType) {
  plan::LoadPlan load = PlanFor(dummy_, R"({"transaction":"maybe","sleep":0})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_NE(instance.error().find(R"(extra.transaction: expected a boolean)"),
            std::string::npos)
      << instance.error();
}

class TestCutsTest : public ::testing::Test {
 protected:
  cut::LoadedCut throw_ = LoadOrDie(PYLOGEN_TEST_CUT_DIR, "Throw");
  cut::LoadedCut fail_setup_ = LoadOrDie(PYLOGEN_TEST_CUT_DIR, "FailSetup");
};

TEST_F(TestCutsTest, ThrowInsideRequestGivesRc16) {
  plan::LoadPlan load = PlanFor(throw_, "{}");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  ASSERT_EQ(Names(*instance), std::vector<std::string>{"T"});
  const Request& r = *(*instance)->requests().begin();
  EXPECT_EQ(r.rc, kRcException);
  EXPECT_STREQ(r.error, "boom 1");
}

TEST_F(TestCutsTest, ThrowOutsideRequestGivesFuncRequestWithRc16) {
  plan::LoadPlan load = PlanFor(throw_, R"({"outside":true})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  ASSERT_EQ(Names(*instance), std::vector<std::string>{"func"});
  const Request& r = *(*instance)->requests().begin();
  EXPECT_EQ(r.rc, kRcException);
  EXPECT_STREQ(r.error, "thrown outside a request");
}

TEST_F(TestCutsTest, ThrowOnlyEveryNthCall) {
  plan::LoadPlan load = PlanFor(throw_, R"({"every":2})");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  instance->RunOperation(0, load.lengths[0]);
  EXPECT_EQ((*instance)->requests().begin()->rc, 0);
  instance->RunOperation(0, load.lengths[0]);
  EXPECT_EQ((*instance)->requests().begin()->rc, kRcException);
  EXPECT_STREQ((*instance)->requests().begin()->error, "boom 2");
}

TEST_F(TestCutsTest, FailSetupGivesTheSetupMessage) {
  plan::LoadPlan load = PlanFor(fail_setup_, "{}");
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_NE(instance.error().find("no key file for this test"), std::string::npos)
      << instance.error();
  EXPECT_NE(instance.error().find("FailSetup"), std::string::npos) << instance.error();
  EXPECT_NE(instance.error().find("setup"), std::string::npos) << instance.error();
}

}  // namespace
}  // namespace pylogen::operation

namespace pylogen::operation {
namespace {

TEST_F(TestCutsTest, NoTeardownAfterAFailedSetup) {
  std::string marker = (std::filesystem::temp_directory_path() /
                        ("pylogen-teardown-" + std::to_string(getpid()))).string();
  std::filesystem::remove(marker);
  plan::LoadPlan load = PlanFor(fail_setup_, R"({"marker":")" + marker + R"("})");
  {
    auto instance = CutInstance::Create(load, 0);
    ASSERT_FALSE(instance.has_value());
  }
  EXPECT_FALSE(std::filesystem::exists(marker)) << "teardown() ran after a failed setup()";
  std::filesystem::remove(marker);
}

}  // namespace
}  // namespace pylogen::operation
