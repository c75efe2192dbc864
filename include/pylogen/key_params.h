// pylogen SDK — the {"file": ..., "key": ...} convention of Pylogen's CUTs.
//
// --extra '{"file":"KmsDefault.json","key":"symmetric1"}' names a JSON file of
// key definitions and one entry of it. LoadKeyParams returns that entry.
// When "file" is absent, "KmsDefault.json" is looked up in the current
// directory, then beside the CUT (Context::cut_dir). A relative "file" is
// taken from the current directory, then beside the CUT.
//
// Call it from setup(): it reads a file. Errors throw std::runtime_error with
// a message naming the file or key, which pylogen reports at startup.
#ifndef PYLOGEN_KEY_PARAMS_H_
#define PYLOGEN_KEY_PARAMS_H_

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pylogen/cut.h"

namespace pylogen {

inline constexpr const char* kDefaultKeyFile = "KmsDefault.json";

inline nlohmann::json LoadKeyParams(const nlohmann::json& extra, const Context& context) {
  if (!extra.is_object() || !extra.contains("key") || !extra["key"].is_string()) {
    throw std::runtime_error("--extra needs a string \"key\" naming an entry of the key file");
  }
  const std::string key = extra["key"].get<std::string>();
  std::string file = kDefaultKeyFile;
  if (extra.contains("file")) {
    if (!extra["file"].is_string()) throw std::runtime_error("--extra \"file\" must be a string");
    file = extra["file"].get<std::string>();
  }
  std::vector<std::filesystem::path> tried{file};
  if (std::filesystem::path(file).is_relative() && !context.cut_dir.empty()) {
    tried.push_back(std::filesystem::path(context.cut_dir) / file);
  }
  for (const auto& path : tried) {
    std::ifstream in(path);
    if (!in) continue;
    nlohmann::json all = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (all.is_discarded() || !all.is_object()) {
      throw std::runtime_error("key file " + path.string() + " is not a JSON object");
    }
    if (!all.contains(key)) {
      throw std::runtime_error("key \"" + key + "\" not found in " + path.string());
    }
    return all[key];
  }
  std::string places;
  for (const auto& path : tried) places += (places.empty() ? "" : ", ") + path.string();
  throw std::runtime_error("key file not found (tried " + places + ")");
}

}  // namespace pylogen

#endif  // PYLOGEN_KEY_PARAMS_H_
