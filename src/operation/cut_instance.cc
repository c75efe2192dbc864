#include "operation/cut_instance.h"

#include <fmt/format.h>

#include "operation/cut_phase.h"

namespace pylogen::operation {

std::expected<CutInstance, std::string> CutInstance::Create(const plan::LoadPlan& load,
                                                            std::uint32_t process_index,
                                                            shm::Slot* slot) {
  ClassUnderTest* raw = nullptr;
  auto failed = RunPhase(load.cut_name, "constructor threw", "constructor threw",
                         [&] { raw = load.cut->create(); });
  if (failed) return std::unexpected(*failed);
  if (raw == nullptr) return std::unexpected(fmt::format("{}: create() returned no instance", load.cut_name));
  CutInstance instance(&load, raw, slot);
  failed = RunPhase(load.cut_name, "setup failed", "setup failed with", [&] {
    raw->BindHost(MakeContext(load, process_index), nlohmann::json::parse(load.extra));
    raw->setup();
  });
  if (failed) return std::unexpected(*failed);
  instance.set_up_ = true;
  return instance;
}

CutInstance::~CutInstance() {
  if (cut_ == nullptr) return;
  if (set_up_) {
    auto failed = RunPhase(load_->cut_name, "teardown failed", "teardown failed with", [&] { cut_->teardown(); });
    if (failed) ReportTeardownFailure(slot_, *failed);
  }
  load_->cut->destroy(cut_);
}

void CutInstance::RunOperation(std::size_t length_index, const std::string& length,
                               std::uint64_t op_count, std::int64_t intended_mono_ns) {
  ClassUnderTest& cut = *cut_;
  cut.requests().Reset();
  cut.SetLength(length_index, length);
  cut.SetOperation(op_count, intended_mono_ns);
  try {
    cut.resetBeforeStep();
    cut.genDatas();
    cut.processDatas();
    cut.func();
  } catch (const std::exception& e) {
    cut.requests().exec("func", [&](Request& r) { r.Fail(kRcException, e.what()); });
  } catch (...) {
    cut.requests().exec("func", [](Request& r) { r.Fail(kRcException, "unknown exception"); });
  }
}

}  // namespace pylogen::operation
