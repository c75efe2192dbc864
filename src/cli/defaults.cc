#include "cli/defaults.h"

#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/input_file.h"

namespace pylogen::cli {
namespace {

const CLI::Option* FindLong(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* option : app.get_options()) {
    const auto& names = option->get_lnames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return option;
  }
  return nullptr;
}

// The text of a scalar or list value, or an error naming what was wrong.
std::expected<std::string, std::string> ValueText(const std::string& key, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float()) return v.dump();
  if (v.is_object() && key == "extra") return v.dump();
  if (v.is_array() && (key == "lengths" || key == "steps")) {
    std::string text;
    for (const auto& item : v) {
      auto part = ValueText(key, item);
      if (!part || item.is_array()) return std::unexpected("a list of numbers or strings");
      text += (text.empty() ? "" : ",") + *part;
    }
    return text;
  }
  return std::unexpected(key == "extra" ? "a JSON object or a string" : "a number or a string");
}

}  // namespace

std::expected<nlohmann::json, std::string> ReadDefaults(const std::string& path) {
  auto text = util::ReadInputFile("defaults file", path);
  if (!text) return std::unexpected("--defaults: " + text.error());
  return ParseDefaultsText(path, *text);
}

std::expected<nlohmann::json, std::string> ParseDefaultsText(const std::string& file,
                                                             const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::unexpected(fmt::format("{}: not valid JSON", file));
  if (!j.is_object()) {
    return std::unexpected(fmt::format("{}: expected a JSON object of option values", file));
  }
  return j;
}

std::expected<std::vector<std::string>, std::string> DefaultsToWords(
    const CLI::App& app, const nlohmann::json& defaults, const std::string& file,
    const std::vector<std::string>& excluded) {
  std::vector<std::string> words;
  for (const auto& [key, value] : defaults.items()) {
    const CLI::Option* option = FindLong(app, key);
    bool not_allowed = std::find(excluded.begin(), excluded.end(), key) != excluded.end();
    if (option == nullptr || not_allowed) {
      return std::unexpected(fmt::format("{}: unknown option \"{}\"", file, key));
    }
    if (option->get_expected_max() == 0) {  // a flag
      if (!value.is_boolean()) {
        return std::unexpected(fmt::format("{}: option \"{}\" expects true or false", file, key));
      }
      if (value.get<bool>()) words.push_back("--" + key);
      continue;
    }
    auto text = ValueText(key, value);
    if (!text) {
      return std::unexpected(fmt::format("{}: option \"{}\" expects {}, not {}", file, key,
                                         text.error(), value.type_name()));
    }
    words.push_back("--" + key);
    words.push_back(*text);
  }
  return words;
}

}  // namespace pylogen::cli
