#include "cli/prefix.h"

#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pylogen::cli {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The full name `word` stands for, "" when none.
std::expected<std::string, std::string> Resolve(const std::string& word,
                                                const std::vector<std::string>& names,
                                                const std::vector<std::string>& preferred) {
  if (Contains(names, word)) return word;
  std::vector<std::string> candidates, preferred_candidates;
  for (const auto& name : names) {
    if (!name.starts_with(word)) continue;
    candidates.push_back("--" + name);
    if (Contains(preferred, name)) preferred_candidates.push_back(name);
  }
  if (candidates.size() > 1 && preferred_candidates.size() == 1) return preferred_candidates[0];
  if (candidates.size() > 1) {
    std::sort(candidates.begin(), candidates.end());
    return std::unexpected(fmt::format("ambiguous option --{}: could be {}", word,
                                       fmt::join(candidates, ", ")));
  }
  return candidates.empty() ? std::string() : candidates.front().substr(2);
}

}  // namespace

std::vector<std::string> LongOptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) names.push_back(name);
  }
  return names;
}

std::expected<std::vector<std::string>, std::string> ExpandPrefixes(
    const std::vector<std::string>& args, const std::vector<std::string>& long_names,
    const std::vector<std::string>& preferred) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool options_over = false;
  for (const auto& arg : args) {
    if (options_over || !arg.starts_with("--") || arg.size() == 2) {
      options_over = options_over || arg == "--";
      out.push_back(arg);
      continue;
    }
    std::size_t eq = arg.find('=');
    std::string word = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    auto full = Resolve(word, long_names, preferred);
    if (!full) return std::unexpected(full.error());
    if (full->empty()) {
      out.push_back(arg);
    } else {
      out.push_back("--" + *full + (eq == std::string::npos ? "" : arg.substr(eq)));
    }
  }
  return out;
}

}  // namespace pylogen::cli
