// Defaults files (DESIGN §2): a JSON object of option values, turned into
// command-line words placed before the user's own, so that the command line
// overrides the file and the file overrides the built-in defaults. The CLI11
// app is the source of truth for which options exist and which are flags.
#ifndef PYLOGEN_CLI_DEFAULTS_H_
#define PYLOGEN_CLI_DEFAULTS_H_

#include <expected>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
}

namespace pylogen::cli {

// The file pylogen reads when no --defaults is given, if it exists.
inline constexpr const char* kImplicitDefaults = "defaults.json";

// Reads `path` (a JSON object). Errors name the file.
std::expected<nlohmann::json, std::string> ReadDefaults(const std::string& path);
// The same on the text of a defaults file named `file` (for messages).
std::expected<nlohmann::json, std::string> ParseDefaultsText(const std::string& file,
                                                             const std::string& text);

// {"process": 2, "extra": {"sleep": 0}, "lengths": [0, 384], "openedmodel": true}
// -> --process 2 --extra {"sleep":0} --lengths 0,384 --openedmodel.
// Keys are long option names without dashes; `excluded` names options a
// defaults file may not set. An unknown key or a value of the wrong type is
// an error naming the file and the key.
std::expected<std::vector<std::string>, std::string> DefaultsToWords(
    const CLI::App& app, const nlohmann::json& defaults, const std::string& file,
    const std::vector<std::string>& excluded);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_DEFAULTS_H_
