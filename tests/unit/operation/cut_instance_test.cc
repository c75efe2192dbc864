// Creating a CUT instance: whatever its constructor throws, or a create()
// that returns nothing, comes back as an error text.
#include "operation/cut_instance.h"

#include <stdexcept>

#include <gtest/gtest.h>

namespace pylogen::operation {
namespace {

class FailsTeardown : public ClassUnderTest {
 public:
  void func() override {}
  void teardown() override { throw std::runtime_error("teardown broke"); }
};

class Fine : public ClassUnderTest {
 public:
  void func() override {}
  void setup() override { ++setups; }
  static inline int setups = 0;
};

CutDescriptor Descriptor(ClassUnderTest* (*create)()) {
  return {kAbiVersion, LayoutFingerprint(),
          "Test",      CutKind::kBlocking,
          create,      [](ClassUnderTest* cut) { delete cut; },
          nullptr,     nullptr};
}

plan::LoadPlan LoadOf(const CutDescriptor& descriptor) {
  plan::LoadPlan load;
  load.id = "Test";
  load.cut_name = "Test";
  load.cut_path = "/nowhere/Test.so";
  load.cut = &descriptor;
  load.extra = "{}";
  return load;
}

TEST(CutInstance, CreatesAndSetsUp) {
  CutDescriptor descriptor = Descriptor([]() -> ClassUnderTest* { return new Fine(); });
  plan::LoadPlan load = LoadOf(descriptor);
  int before = Fine::setups;
  auto instance = CutInstance::Create(load, 0);
  ASSERT_TRUE(instance.has_value()) << instance.error();
  EXPECT_EQ(Fine::setups, before + 1);
}

TEST(CutInstance, ConstructorThrowingAStdException) {
  CutDescriptor descriptor =
      Descriptor([]() -> ClassUnderTest* { throw std::runtime_error("no key file"); });
  plan::LoadPlan load = LoadOf(descriptor);
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_EQ(instance.error(), "Test: constructor threw: no key file");
}

TEST(CutInstance, ConstructorThrowingSomethingElse) {
  CutDescriptor descriptor = Descriptor([]() -> ClassUnderTest* { throw 42; });
  plan::LoadPlan load = LoadOf(descriptor);
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_EQ(instance.error(), "Test: constructor threw an unknown exception");
}

TEST(CutInstance, CreateReturningNoInstance) {
  CutDescriptor descriptor = Descriptor([]() -> ClassUnderTest* { return nullptr; });
  plan::LoadPlan load = LoadOf(descriptor);
  auto instance = CutInstance::Create(load, 0);
  ASSERT_FALSE(instance.has_value());
  EXPECT_EQ(instance.error(), "Test: create() returned no instance");
}

TEST(CutInstance, AFailingTeardownIsRecordedInItsSlotNotPrinted) {
  CutDescriptor descriptor = Descriptor([]() -> ClassUnderTest* { return new FailsTeardown(); });
  plan::LoadPlan load = LoadOf(descriptor);
  auto segment = shm::Segment::Create(1, 4);
  ASSERT_TRUE(segment.has_value()) << segment.error();
  shm::Slot& slot = segment->slot(0);
  {
    auto instance = CutInstance::Create(load, 0, &slot);
    ASSERT_TRUE(instance.has_value()) << instance.error();
    EXPECT_EQ(slot.error_kind, shm::SlotError::kNone);
  }
  EXPECT_EQ(slot.error_kind, shm::SlotError::kTeardown);
  EXPECT_STREQ(slot.error, "Test: teardown failed: teardown broke");
}

}  // namespace
}  // namespace pylogen::operation
