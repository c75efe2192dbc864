// Fuzz target: the text of a scenario file (cli::ParseScenarioText): line
// splitting, comments, word splitting with quotes, and each load line's
// whole command line. A line's --defaults names a file read as it is
// (read-only, usually absent).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/scenario.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pylogen::fuzz::RequireNoImplicitDefaults();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(pylogen::fuzz::AsText(data, size));
  int verbosity = 0;
  auto lines = pylogen::cli::ParseScenarioText("fuzz-scenario.txt", text, "", &verbosity);
  if (lines) (void)lines->front().load.cut.size();
  return 0;
}
