// Defaults files (DESIGN §2): a JSON object of option values, applied before
// the user's own, so that the command line overrides the file and the file
// overrides the built-in defaults. The CLI11 app is the source of truth for
// which options exist and which are flags. Every value of the file is
// checked on its own, and its errors name the file and the key
// (`d.json: "process": '4.5' is not a valid count ...`). Supervisor process,
// before any CUT is loaded.
#ifndef PYLOGEN_CLI_DEFAULTS_H_
#define PYLOGEN_CLI_DEFAULTS_H_

#include <expected>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace pylogen::cli {

// The file pylogen reads when no --defaults is given, if something has that
// name in the current directory (a directory or a FIFO of that name is an
// error: skipping it would run with other values than the user meant).
inline constexpr const char* kImplicitDefaults = "defaults.json";

// Reads `path` (a JSON object). Errors name the file; `implicit`: it is
// kImplicitDefaults, read because no --defaults was given (the error says so).
std::expected<nlohmann::json, std::string> ReadDefaults(const std::string& path,
                                                        bool implicit = false);
// The same on the text of a defaults file named `file` (for messages).
std::expected<nlohmann::json, std::string> ParseDefaultsText(const std::string& file,
                                                             const std::string& text);

// One value of a defaults file, as a command-line word.
struct DefaultValue {
  const CLI::Option* option;  // the option it sets
  std::string text;           // "2", "0,384", {"sleep":0}; "true"/"false" for a flag
  std::string label;          // where it comes from, for errors: d.json: "process"
};

// {"process": 2, "extra": {"sleep": 0}, "lengths": [0, 384], "openedmodel": true}
// -> --process 2, --extra {"sleep":0}, --lengths 0,384, --openedmodel true.
// Keys are long option names without dashes; `excluded` names options a
// defaults file may not set. An unknown key, a value of the wrong type or an
// "extra" deeper than kMaxExtraDepth is an error naming the file and the key.
std::expected<std::vector<DefaultValue>, std::string> DefaultsToValues(
    const CLI::App& app, const nlohmann::json& defaults, const std::string& file,
    const std::vector<std::string>& excluded);

// A defaults file read for a scenario line (the scenario's --defaults, or
// ./defaults.json) may not set the run: a run-level key (output, report,
// outformat, summary, grace, queue, jobs, threshold ...: cli::IsRunOption's
// list) is an error naming the file and the key (they used to be dropped
// without a word), e.g.
//   d.json: "output" is a run option: a defaults file of scenario lines cannot
//   set it (give --output on the pylogen scenario command line)
// The scenario prefixes it with FILE:LINE of the line that read the file.
std::expected<void, std::string> RefuseRunKeys(const nlohmann::json& defaults,
                                               const std::string& file);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_DEFAULTS_H_
