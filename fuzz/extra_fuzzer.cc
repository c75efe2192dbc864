// Fuzz target: --extra handling: the command line's check that it is a JSON
// object (cli::ParseJsonObject), then what Dummy and AsyncDummy make of it
// (cuts::ParseDummyOptions, through the SDK's typed getters of
// pylogen/extra.h). Their documented error is std::invalid_argument (a
// failed setup); anything else escaping is a finding.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "cli/values.h"
#include "common/dummy_options.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto checked = pylogen::cli::ParseJsonObject("--extra", pylogen::fuzz::AsText(data, size));
  if (!checked) return 0;
  // What the CUT receives: the text the command line accepted, parsed again.
  nlohmann::json extra = nlohmann::json::parse(*checked);
  try {
    auto options = pylogen::cuts::ParseDummyOptions(extra);
    (void)options.sleep_ns;
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
