#include "operation/cut_phase.h"

#include <unistd.h>

#include <filesystem>


namespace pylogen::operation {

void ReportStartFailure(shm::Slot& slot, const std::string& error) {
  CopyBounded(slot.error, sizeof slot.error, error);
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
