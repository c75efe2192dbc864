#include "operation/event_cut_instance.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "util/log.h"

namespace pylogen::operation {

Context MakeContext(const plan::LoadPlan& load, std::uint32_t process_index) {
  Context context;
  context.id = load.id;
  context.cut_name = load.cut_name;
  context.cut_dir = std::filesystem::path(load.cut_path).parent_path().string();
  context.process_index = static_cast<int>(process_index);
  context.pid = static_cast<int>(getpid());
  return context;
}

std::expected<EventCutInstance, std::string> EventCutInstance::Create(const plan::LoadPlan& load,
                                                                      std::uint32_t process_index,
                                                                      EventLoop& loop) {
  EventClassUnderTest* raw = nullptr;
  try {
    raw = load.cut->create_event();
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{}: constructor threw: {}", load.cut_name, e.what()));
  } catch (...) {
    return std::unexpected(fmt::format("{}: constructor threw an unknown exception", load.cut_name));
  }
  if (raw == nullptr) return std::unexpected(fmt::format("{}: create() returned no instance", load.cut_name));
  EventCutInstance instance(&load, raw, std::make_unique<Context>(MakeContext(load, process_index)));
  try {
    raw->BindHost(instance.context_.get(), nlohmann::json::parse(load.extra), &loop, load.concurrency);
    raw->setup();
    instance.set_up_ = true;
  } catch (const std::exception& e) {
    return std::unexpected(fmt::format("{}: setup failed: {}", load.cut_name, e.what()));
  } catch (...) {
    return std::unexpected(fmt::format("{}: setup failed with an unknown exception", load.cut_name));
  }
  return instance;
}

EventCutInstance::EventCutInstance(EventCutInstance&& other) noexcept
    : load_(other.load_), cut_(other.cut_), context_(std::move(other.context_)), set_up_(other.set_up_) {
  other.cut_ = nullptr;
}

EventCutInstance::~EventCutInstance() {
  if (cut_ == nullptr) return;
  try {
    if (set_up_) cut_->teardown();
  } catch (const std::exception& e) {
    log::Warn("{}: teardown failed: {}", load_->cut_name, e.what());
  } catch (...) {
    log::Warn("{}: teardown failed with an unknown exception", load_->cut_name);
  }
  load_->cut->destroy_event(cut_);
}

}  // namespace pylogen::operation
