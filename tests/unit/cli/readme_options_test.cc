// The README's Usage section and `pylogen --help` agree: the usage lines,
// and for every option its group (the table it is in), names, value type
// and default. Any option in one and not the other fails.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/help_entries.h"

namespace pylogen::cli {
namespace {

using testing::HelpEntry;

std::string ReadReadme() {
  std::ifstream in(PYLOGEN_README);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The README's "## Usage" section, up to the next "## ".
std::vector<std::string> UsageSection(const std::string& readme) {
  std::vector<std::string> lines;
  std::istringstream in(readme);
  bool in_section = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("## "))
      in_section = line == "## Usage";
    else if (in_section)
      lines.push_back(line);
  }
  return lines;
}

std::string Trim(std::string s) {
  s.erase(0, s.find_first_not_of(' '));
  s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

std::string WithoutBackticks(std::string s) {
  std::erase(s, '`');
  return Trim(s);
}

// Rows "| `--name TYPE` (`--alias`) | meaning | default |" under a
// "**Group**" line, up to the next "### " subsection (whose tables, such as
// "Options that do not apply", are not option tables).
std::vector<HelpEntry> ReadmeEntries(const std::vector<std::string>& section) {
  std::vector<HelpEntry> entries;
  std::string group;
  const std::regex code("`([^`]*)`");
  for (const std::string& line : section) {
    if (line.starts_with("**")) {
      group = line.substr(2, line.find("**", 2) - 2);
      continue;
    }
    if (line.starts_with("### ")) group.clear();
    if (group.empty() || !line.starts_with("| `-")) continue;
    std::vector<std::string> cells;
    std::size_t at = 1;
    for (std::size_t bar; (bar = line.find(" |", at)) != std::string::npos; at = bar + 2) {
      cells.push_back(Trim(line.substr(at, bar - at)));
    }
    if (cells.size() != 3) {
      ADD_FAILURE() << "not three cells: " << line;
      continue;
    }
    HelpEntry e{group, {}, "", WithoutBackticks(cells[2]), cells[1]};
    for (std::sregex_iterator it(cells[0].begin(), cells[0].end(), code), end; it != end; ++it) {
      std::string token = (*it)[1];
      std::size_t space = token.find(' ');
      if (space != std::string::npos) {
        if (e.names.empty()) e.type = token.substr(space + 1);
        token.resize(space);
      }
      e.names.push_back(token);
    }
    std::sort(e.names.begin(), e.names.end());
    entries.push_back(e);
  }
  return entries;
}

std::map<std::string, HelpEntry> ByNames(const std::vector<HelpEntry>& entries) {
  std::map<std::string, HelpEntry> by;
  for (const HelpEntry& e : entries) by[fmt::format("{}", fmt::join(e.names, ","))] = e;
  return by;
}

TEST(ReadmeOptionsTest, TablesAndHelpAgree) {
  auto readme = ByNames(ReadmeEntries(UsageSection(ReadReadme())));
  auto help = ByNames(testing::ParseHelpEntries(testing::HelpOf({"--help"})));
  ASSERT_GT(help.size(), 30u);
  for (const auto& [names, h] : help) {
    auto it = readme.find(names);
    if (it == readme.end()) {
      ADD_FAILURE() << names << " is in --help, not in the README's tables";
      continue;
    }
    EXPECT_EQ(it->second.group, h.group) << names;
    EXPECT_EQ(it->second.type, h.type) << names;
    EXPECT_EQ(it->second.default_text, h.default_text) << names;
  }
  for (const auto& [names, r] : readme) {
    EXPECT_TRUE(help.contains(names)) << names << " is in the README's tables, not in --help";
  }
}

TEST(ReadmeOptionsTest, UsageBlockIsTheHelpsUsage) {
  std::vector<std::string> block;
  bool in_block = false;
  for (const std::string& line : UsageSection(ReadReadme())) {
    if (line.starts_with("```")) {
      if (in_block) break;
      in_block = true;
    } else if (in_block) {
      block.push_back(line);
    }
  }
  EXPECT_EQ(block, testing::UsageLines(testing::HelpOf({"--help"})));
}

// The parsing of the tables itself: a row's names, type and default.
TEST(ReadmeOptionsTest, ReadsARow) {
  auto entries = ReadmeEntries({"**Closed model**:", "| option | meaning | default |",
                                "| `--pauselen DURATION` (`--pausestep`) | pause | `0` |"});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].group, "Closed model");
  EXPECT_EQ(entries[0].names, (std::vector<std::string>{"--pauselen", "--pausestep"}));
  EXPECT_EQ(entries[0].type, "DURATION");
  EXPECT_EQ(entries[0].default_text, "0");
}

// A subsection's table ("### Options that do not apply") is not an option
// table, even though its rows start with an option.
TEST(ReadmeOptionsTest, ASubsectionsTableIsNotRead) {
  auto entries = ReadmeEntries({"**Closed model**:", "| option | meaning | default |",
                                "| `--loops N` | loops | `0` |", "### Options that do not apply",
                                "| Given | Warning |", "| `--loops` with a `--duration` | `--loops is ignored` |"});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].names, (std::vector<std::string>{"--loops"}));
}

}  // namespace
}  // namespace pylogen::cli
