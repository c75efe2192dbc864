// Test CUT: registered by hand with an ABI version this pylogen does not use,
// as a CUT built against another SDK would be.
#include "pylogen/cut.h"

namespace {
class WrongAbi : public pylogen::ClassUnderTest {
 public:
  void func() override {}
};
}  // namespace

extern "C" __attribute__((visibility("default")))
const pylogen::CutDescriptor pylogen_cut_descriptor = {
    pylogen::kAbiVersion + 1000, pylogen::LayoutFingerprint(), "WrongAbi",
    pylogen::CutKind::kBlocking,
    []() -> pylogen::ClassUnderTest* { return new WrongAbi(); },
    [](pylogen::ClassUnderTest* cut) { delete cut; }, nullptr, nullptr};
