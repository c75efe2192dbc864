#include "operation/event_cut_instance.h"

#include <fmt/format.h>

#include "operation/cut_phase.h"

namespace pylogen::operation {

std::expected<EventCutInstance, std::string> EventCutInstance::Create(const plan::LoadPlan& load,
                                                                      std::uint32_t process_index,
                                                                      EventLoop& loop,
                                                                      shm::Slot* slot) {
  EventClassUnderTest* raw = nullptr;
  auto failed = RunPhase(load.cut_name, "constructor threw", "constructor threw",
                         [&] { raw = load.cut->create_event(); });
  if (failed) return std::unexpected(*failed);
  if (raw == nullptr) return std::unexpected(fmt::format("{}: create() returned no instance", load.cut_name));
  EventCutInstance instance(&load, raw, std::make_unique<Context>(MakeContext(load, process_index)), slot);
  failed = RunPhase(load.cut_name, "setup failed", "setup failed with", [&] {
    raw->BindHost(instance.context_.get(), nlohmann::json::parse(load.extra), &loop, load.concurrency);
    raw->setup();
  });
  if (failed) return std::unexpected(*failed);
  instance.set_up_ = true;
  return instance;
}

EventCutInstance::EventCutInstance(EventCutInstance&& other) noexcept
    : load_(other.load_),
      cut_(other.cut_),
      context_(std::move(other.context_)),
      slot_(other.slot_),
      set_up_(other.set_up_) {
  other.cut_ = nullptr;
}

EventCutInstance::~EventCutInstance() {
  if (cut_ == nullptr) return;
  if (set_up_) {
    auto failed = RunPhase(load_->cut_name, "teardown failed", "teardown failed with", [&] { cut_->teardown(); });
    if (failed) ReportTeardownFailure(slot_, *failed);
  }
  load_->cut->destroy_event(cut_);
}

}  // namespace pylogen::operation
