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

namespace {

// Optimal string alignment distance (Damerau-Levenshtein without repeated
// edits of one substring).
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::size_t CommonStart(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

}  // namespace

std::string NearestOptionName(std::string_view word, const std::vector<std::string>& long_names) {
  while (word.starts_with('-')) word.remove_prefix(1);
  word = word.substr(0, word.find('='));
  if (word.empty() || word.size() > 64) return "";
  std::string best;
  std::size_t best_distance = 0, best_start = 0;
  for (const std::string& name : long_names) {
    std::size_t limit = name.size() <= 3 ? 1 : 2;
    std::size_t distance = EditDistance(word, name);
    if (distance == 0 || distance > limit) continue;
    std::size_t start = CommonStart(word, name);
    bool better = best.empty() || distance < best_distance ||
                  (distance == best_distance &&
                   (start > best_start || (start == best_start && name.size() < best.size())));
    if (better) {
      best = name;
      best_distance = distance;
      best_start = start;
    }
  }
  return best;
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
