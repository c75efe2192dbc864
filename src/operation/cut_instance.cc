#include "operation/cut_instance.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "util/log.h"

namespace pylogen::operation {

std::expected<CutInstance, std::string> CutInstance::Create(const plan::LoadPlan& load,
                                                            std::uint32_t process_index) {
  ClassUnderTest* raw = nullptr;
  try {
    raw = load.cut->create();
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{}: constructor threw: {}", load.cut_name, e.what()));
  } catch (...) {
    return std::unexpected(fmt::format("{}: constructor threw an unknown exception", load.cut_name));
  }
  if (raw == nullptr) return std::unexpected(fmt::format("{}: create() returned no instance", load.cut_name));
  CutInstance instance(&load, raw);
  Context context;
  context.id = load.id;
  context.cut_name = load.cut_name;
  context.cut_dir = std::filesystem::path(load.cut_path).parent_path().string();
  context.process_index = static_cast<int>(process_index);
  context.pid = static_cast<int>(getpid());
  try {
    raw->BindHost(std::move(context), nlohmann::json::parse(load.extra));
    raw->setup();
    instance.set_up_ = true;
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{}: setup failed: {}", load.cut_name, e.what()));
  } catch (...) {
    return std::unexpected(fmt::format("{}: setup failed with an unknown exception", load.cut_name));
  }
  return instance;
}

CutInstance::~CutInstance() {
  if (cut_ == nullptr) return;
  try {
    if (set_up_) cut_->teardown();
  } catch (const std::exception& e) {
    log::Warn("{}: teardown failed: {}", load_->cut_name, e.what());
  } catch (...) {
    log::Warn("{}: teardown failed with an unknown exception", load_->cut_name);
  }
  load_->cut->destroy(cut_);
}

void CutInstance::RunOperation(std::size_t length_index, const std::string& length) {
  ClassUnderTest& cut = *cut_;
  cut.requests().Reset();
  cut.SetLength(length_index, length);
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
