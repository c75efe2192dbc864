// Test CUT: a CUT as the SDK of ABI version 1 registered it (the descriptor
// of that version: no kind, no event-driven factory), so that pylogen tells
// its user to rebuild it rather than misread it.
#include <cstdint>

namespace {
struct DescriptorV1 {
  std::uint32_t abi_version;
  std::uint32_t layout;
  const char* class_name;
  void* (*create)();
  void (*destroy)(void*);
};
}  // namespace

extern "C" __attribute__((visibility("default")))
const DescriptorV1 pylogen_cut_descriptor = {1, 0, "AbiV1", nullptr, nullptr};
