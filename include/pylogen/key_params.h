// pylogen SDK — the {"file": ..., "key": ...} convention of Pylogen's CUTs.
//
// --extra '{"file":"KmsDefault.json","key":"symmetric1"}' names a JSON file of
// key definitions and one entry of it. LoadKeyParams returns that entry.
// When "file" is absent, "KmsDefault.json" is looked up in the current
// directory, then beside the CUT (Context::cut_dir). A relative "file" is
// taken from the current directory, then beside the CUT. The key file is read
// with ReadBoundedFile (pylogen/bounded_file.h): a regular file of at most
// 16 MiB, never waited on.
//
// Call it from setup(): it reads a file. Errors throw std::invalid_argument
// naming the key and what is wrong, one line that pylogen reports at startup:
// "extra.file: '' is not a file", "extra.file: '/tmp' is a directory",
// "extra.file: 'k.json' not found (tried 'k.json', '/cuts/k.json')", "key
// file 'KmsDefault.json' is not a JSON object", "extra.key: "nokey" not found
// in 'KmsDefault.json'" (the key as JSON).
#ifndef PYLOGEN_KEY_PARAMS_H_
#define PYLOGEN_KEY_PARAMS_H_

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pylogen/bounded_file.h"
#include "pylogen/cut.h"
#include "pylogen/extra.h"

namespace pylogen {

inline constexpr const char* kDefaultKeyFile = "KmsDefault.json";

inline nlohmann::json LoadKeyParams(const nlohmann::json& extra, const Context& context) {
  if (!ExtraHas(extra, "key")) {
    throw std::invalid_argument(
        "extra.key: must be given: the name of an entry of the key file, e.g. "
        "{\"key\":\"symmetric1\"}");
  }
  std::string key = ExtraString(extra, "key", "");
  bool given = ExtraHas(extra, "file");
  std::string file = given ? ExtraString(extra, "file", "") : kDefaultKeyFile;
  std::string where = given ? "extra.file: " : "key file ";
  std::vector<std::filesystem::path> tried{file};
  if (!file.empty() && std::filesystem::path(file).is_relative() && !context.cut_dir.empty()) {
    tried.push_back(std::filesystem::path(context.cut_dir) / file);
  }
  for (const auto& path : tried) {
    auto text = ReadBoundedFile(path.string());
    if (!text && text.error().missing) continue;
    if (!text) {
      throw std::invalid_argument(where + QuotedPath(path.string()) + " " + text.error().reason);
    }
    nlohmann::json all = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (all.is_discarded() || !all.is_object()) {
      throw std::invalid_argument(where + QuotedPath(path.string()) + " is not a JSON object");
    }
    auto entry = all.find(key);
    if (entry == all.end()) {
      throw std::invalid_argument("extra.key: " + extra_detail::Quote(key) + " not found in " +
                                  QuotedPath(path.string()));
    }
    return std::move(*entry);
  }
  std::string places;
  for (const auto& path : tried) places += (places.empty() ? "" : ", ") + QuotedPath(path.string());
  throw std::invalid_argument(where + QuotedPath(file) + " not found (tried " + places + ")");
}

}  // namespace pylogen

#endif  // PYLOGEN_KEY_PARAMS_H_
