// Fuzz target: the text of a defaults file (cli::ParseDefaultsText), then,
// when it is a JSON object, the same text as the --defaults of a command
// line (served from an InputMemFile, no file system write), so that its keys
// go through the real CLI11 app: DefaultsToWords, the options' conversions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/defaults.h"
#include "cli/options.h"
#include "fuzz_support.h"

namespace {
pylogen::fuzz::InputMemFile* defaults_file = nullptr;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pylogen::fuzz::RequireNoImplicitDefaults();
  defaults_file = new pylogen::fuzz::InputMemFile();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(pylogen::fuzz::AsText(data, size));
  auto defaults = pylogen::cli::ParseDefaultsText("fuzz-defaults.json", text);
  if (!defaults) return 0;
  defaults_file->Set(text);
  auto parsed = pylogen::cli::ParseCommandLine({"cuts/Dummy", "--defaults", defaults_file->path()});
  if (parsed) (void)parsed->load.extra.size();
  return 0;
}
