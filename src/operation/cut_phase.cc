#include "operation/cut_phase.h"

#include <unistd.h>

#include <filesystem>

#include "util/log.h"

namespace pylogen::operation {

void ReportStartFailure(shm::Slot& slot, const std::string& error) {
  shm::RecordError(slot, shm::SlotError::kStart, error);
}

void ReportTeardownFailure(shm::Slot* slot, const std::string& error) {
  if (slot == nullptr) {
    log::Warn("{}", error);
    return;
  }
  shm::RecordError(*slot, shm::SlotError::kTeardown, error);
}

Context MakeContext(const plan::LoadPlan& load, std::uint32_t process_index) {
  Context context;
  context.id = load.id;
  context.cut_name = load.cut_name;
  context.cut_dir = std::filesystem::path(load.cut_path).parent_path().string();
  context.process_index = static_cast<int>(process_index);
  context.pid = static_cast<int>(getpid());
  return context;
}

}  // namespace pylogen::operation
