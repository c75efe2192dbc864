// Fuzz target: the whole command line (cli::ParseCommandLine), prefix
// expansion included, on an argument vector split from the input (see
// SplitArguments: one word a line, or NUL-separated). A first word
// "scenario" takes the scenario command line's path; files named by
// --defaults or --file are read as they are (read-only, usually absent).
#include <cstddef>
#include <cstdint>

#include "cli/options.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pylogen::fuzz::RequireNoImplicitDefaults();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto words = pylogen::fuzz::SplitArguments(pylogen::fuzz::AsText(data, size));
  auto parsed = pylogen::cli::ParseCommandLine(words);
  if (parsed) {
    // What the plan reads of every load.
    for (const auto& load : pylogen::cli::LoadsOf(*parsed)) (void)load.lengths.size();
  }
  return 0;
}
