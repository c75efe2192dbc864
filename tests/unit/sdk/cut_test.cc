#include "pylogen/cut.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace pylogen {
namespace {

class TestCut : public ClassUnderTest {
 public:
  void func() override { requests().exec("T", [] {}); }
};

struct LengthCase {
  std::string_view token;
  std::int64_t value;
};

class SetLengthTest : public ::testing::TestWithParam<LengthCase> {};

TEST_P(SetLengthTest, SetsTokenIndexAndValue) {
  const LengthCase& c = GetParam();
  TestCut cut;
  cut.SetLength(3, c.token);
  EXPECT_EQ(cut.length(), c.token);
  EXPECT_EQ(cut.length_index(), 3u);
  EXPECT_EQ(cut.length_value(), c.value) << c.token;
}

INSTANTIATE_TEST_SUITE_P(
    Tokens, SetLengthTest,
    ::testing::Values(LengthCase{"384", 384}, LengthCase{"0", 0}, LengthCase{"abc", 0},
                      LengthCase{"12x", 0}, LengthCase{"-5", -5}, LengthCase{"", 0},
                      LengthCase{"1.5", 0}, LengthCase{"9223372036854775807", INT64_MAX},
                      LengthCase{"99999999999999999999", 0}));

TEST(ClassUnderTestTest, SetLengthReplacesThePreviousOne) {
  TestCut cut;
  cut.SetLength(0, "384");
  cut.SetLength(1, "abc");
  EXPECT_EQ(cut.length(), "abc");
  EXPECT_EQ(cut.length_index(), 1u);
  EXPECT_EQ(cut.length_value(), 0);
  cut.SetLength(2, "1024");
  EXPECT_EQ(cut.length_value(), 1024);
}

TEST(ClassUnderTestTest, DefaultsBeforeBinding) {
  TestCut cut;
  EXPECT_TRUE(cut.extra().is_object());
  EXPECT_TRUE(cut.extra().empty());
  EXPECT_EQ(cut.length(), "");
  EXPECT_EQ(cut.length_value(), 0);
  EXPECT_EQ(cut.length_index(), 0u);
  EXPECT_STREQ(cut.requests().name(), "");
  EXPECT_EQ(cut.context().process_index, 0);
}

TEST(ClassUnderTestTest, BindHostSetsContextExtraAndManagerName) {
  TestCut cut;
  Context context;
  context.id = "LOAD1";
  context.cut_name = "Dummy";
  context.cut_dir = "/some/dir";
  context.process_index = 4;
  context.pid = 1234;
  cut.BindHost(context, nlohmann::json{{"sleep", 0}, {"transaction", true}});
  EXPECT_EQ(cut.context().id, "LOAD1");
  EXPECT_EQ(cut.context().cut_name, "Dummy");
  EXPECT_EQ(cut.context().cut_dir, "/some/dir");
  EXPECT_EQ(cut.context().process_index, 4);
  EXPECT_EQ(cut.context().pid, 1234);
  EXPECT_EQ(cut.extra().value("sleep", -1), 0);
  EXPECT_EQ(cut.extra().value("transaction", false), true);
  EXPECT_STREQ(cut.requests().name(), "Dummy");
}

// A CUT that names its own manager keeps that name.
class NamedCut : public ClassUnderTest {
 public:
  NamedCut() { requests().set_name("MyManager"); }
  void func() override {}
};

TEST(ClassUnderTestTest, BindHostKeepsAManagerNameSetByTheCut) {
  NamedCut cut;
  Context context;
  context.cut_name = "Dummy";
  cut.BindHost(context, nlohmann::json::object());
  EXPECT_STREQ(cut.requests().name(), "MyManager");
}

TEST(ClassUnderTestTest, RequestsBelongToTheInstance) {
  TestCut a, b;
  a.func();
  a.func();
  b.func();
  EXPECT_EQ(a.requests().size(), 2u);
  EXPECT_EQ(b.requests().size(), 1u);
}

TEST(LayoutFingerprintTest, IsStableAndVersioned) {
  EXPECT_EQ(LayoutFingerprint(), LayoutFingerprint());
  constexpr std::uint32_t kAtCompileTime = LayoutFingerprint();
  EXPECT_EQ(kAtCompileTime, LayoutFingerprint());
  EXPECT_NE(LayoutFingerprint(), 0u);
  EXPECT_GE(kAbiVersion, 1u);
  EXPECT_STREQ(kDescriptorSymbol, "pylogen_cut_descriptor");
}

}  // namespace
}  // namespace pylogen
