// Reading --help texts back, for the tests of the help (help_format_test.cc)
// and of the README's option tables (readme_options_test.cc): each option
// entry's group, names, value type and default, and the usage lines.
#ifndef PYLOGEN_TESTS_UNIT_CLI_HELP_ENTRIES_H_
#define PYLOGEN_TESTS_UNIT_CLI_HELP_ENTRIES_H_

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "cli/help_format.h"
#include "cli/options.h"

namespace pylogen::cli::testing {

struct HelpEntry {
  std::string group;
  std::vector<std::string> names;  // sorted: "--lengths", "--steps"
  std::string type;                // "" for a flag
  std::string default_text;        // "" when the entry states none
  std::string text;                // the description, its lines joined
};

// The entries of `help`: a line "  -x..." starts one, the lines indented to
// the description column continue it; "Group:" lines name the group.
inline std::vector<HelpEntry> ParseHelpEntries(const std::string& help) {
  std::vector<HelpEntry> entries;
  std::istringstream in(help);
  std::string group;
  bool in_entry = false;
  const std::string indent(kHelpColumn, ' ');
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != ' ' && line.back() == ':') {
      group = line.substr(0, line.size() - 1);
      in_entry = false;
    } else if (line.starts_with("  -")) {
      HelpEntry e{group, {}, "", "", ""};
      std::size_t end = line.find(' ', 2);
      std::string names = line.substr(2, end == std::string::npos ? std::string::npos : end - 2);
      for (std::size_t at = 0; at <= names.size();) {
        std::size_t comma = std::min(names.find(',', at), names.size());
        e.names.push_back(names.substr(at, comma - at));
        at = comma + 1;
      }
      std::sort(e.names.begin(), e.names.end());
      std::string rest = end == std::string::npos ? "" : line.substr(end);
      if (rest.size() > 1 && rest[0] == ' ' && rest[1] != ' ') {
        std::size_t type_end = rest.find(' ', 1);
        e.type = rest.substr(1, type_end == std::string::npos ? std::string::npos : type_end - 1);
        rest = type_end == std::string::npos ? "" : rest.substr(type_end);
      }
      e.text = rest.substr(std::min(rest.find_first_not_of(' '), rest.size()));
      entries.push_back(e);
      in_entry = true;
    } else if (in_entry && line.starts_with(indent)) {
      HelpEntry& e = entries.back();
      e.text += (e.text.empty() ? "" : " ") + line.substr(kHelpColumn);
    } else {
      in_entry = false;
    }
  }
  for (HelpEntry& e : entries) {
    std::string text = e.text;
    if (text.ends_with(" (required)")) text.resize(text.size() - 11);
    std::size_t at = text.rfind(" (default: ");
    if (at != std::string::npos && text.ends_with(")")) {
      e.default_text = text.substr(at + 11, text.size() - at - 12);
    }
  }
  return entries;
}

// The lines under "Usage:", without their indent.
inline std::vector<std::string> UsageLines(const std::string& help) {
  std::vector<std::string> lines;
  std::istringstream in(help);
  bool in_usage = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Usage:") {
      in_usage = true;
    } else if (in_usage && line.starts_with("  ")) {
      lines.push_back(line.substr(2));
    } else {
      in_usage = false;
    }
  }
  return lines;
}

// The text `args` print for --help (exit code 0).
inline std::string HelpOf(const std::vector<std::string>& args) {
  auto result = ParseCommandLine(args);
  if (result.has_value() || result.error().exit_code != 0) return "";
  return result.error().text;
}

}  // namespace pylogen::cli::testing

#endif  // PYLOGEN_TESTS_UNIT_CLI_HELP_ENTRIES_H_
