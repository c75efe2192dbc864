// The layout of pylogen's --help texts (`pylogen`, `pylogen scenario`,
// `pylogen report ...`): a CLI11 formatter that prints the description, the
// usage lines given, the positionals shown by their value type ("CUT"), the
// option groups in the order their first option was added, then the
// footer (exit codes, examples). Each option is one entry: its names and
// value type ("--process N"), then its description ending with
// "(default: X)", X being the built-in default or what happens when the
// option is absent; a required option ends with "(required)"; wrapped at kHelpWidth columns, never
// a word cut. Supervisor process, while the command line is parsed; pure text.
#ifndef PYLOGEN_CLI_HELP_FORMAT_H_
#define PYLOGEN_CLI_HELP_FORMAT_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::cli {

inline constexpr std::size_t kHelpWidth = 100;  // no help line is longer
inline constexpr std::size_t kHelpColumn = 30;  // where descriptions start

// `text` wrapped at spaces into lines of at most `width` columns, the first
// line after `first` columns already used, the next ones indented by
// `indent` spaces; "\n" in `text` starts a new line. A word longer than a
// line stays whole.
std::string Wrap(std::string_view text, std::size_t first, std::size_t indent,
                 std::size_t width = kHelpWidth);

// " (default: X)": how every help entry says its default.
std::string DefaultSuffix(std::string_view default_text);

// Gives `option` its value type ("N", "DURATION") and its default as --help
// shows them. A value option keeps the default in its default_str; a flag
// (which CLI11 would parse its default_str into) gets it appended to its
// description. An empty `default_text` shows none.
CLI::Option* Describe(CLI::Option* option, const std::string& type, std::string_view default_text);

class HelpFormatter : public CLI::Formatter {
 public:
  explicit HelpFormatter(std::vector<std::string> usage) : usage_(std::move(usage)) {}

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override;
  std::string make_usage(const CLI::App* app, std::string name) const override;
  std::string make_group(std::string group, bool is_positional,
                         std::vector<const CLI::Option*> opts) const override;
  std::string make_option(const CLI::Option* opt, bool is_positional) const override;
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override;
  std::string make_option_opts(const CLI::Option* opt) const override;
  std::string make_option_desc(const CLI::Option* opt) const override;

 private:
  std::vector<std::string> usage_;
};

// Sets `app`'s formatter to a HelpFormatter of `usage` and its -h,--help
// flag into `help_group` ("" hides it).
void UseHelpFormat(CLI::App& app, std::vector<std::string> usage, const std::string& help_group);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_HELP_FORMAT_H_
