#include "cli/defaults.h"

#include <algorithm>
#include <utility>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "cli/prefix.h"
#include "cli/scenario.h"
#include "util/excerpt.h"
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

// Why `text` is not JSON, for the message: " (syntax error at line 2, column
// 1)", " (a number out of range)". Called on a text known to be bad.
std::string WhyNotJson(const std::string& text) {
  try {
    nlohmann::json parsed = nlohmann::json::parse(text);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    std::size_t offset = std::min<std::size_t>(e.byte == 0 ? 0 : e.byte - 1, text.size());
    std::size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
    std::size_t last = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    return fmt::format(" (syntax error at line {}, column {})", line,
                       last == std::string::npos ? offset + 1 : offset - last);
  } catch (const nlohmann::json::exception&) {
    return " (a number out of range)";
  }
  return "";
}

// `; did you mean "process"?` for an unknown key near an option's name.
std::string DidYouMean(const CLI::App& app, const std::string& key,
                       const std::vector<std::string>& excluded) {
  std::vector<std::string> names = LongOptionNames(app);
  std::erase_if(names, [&](const std::string& name) {
    return std::find(excluded.begin(), excluded.end(), name) != excluded.end();
  });
  std::string nearest = NearestOptionName("--" + key, names);
  return nearest.empty() ? "" : fmt::format("; did you mean \"{}\"?", nearest);
}

// How deep `root` nests, counted without recursion.
std::size_t DepthOf(const nlohmann::json& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const nlohmann::json*, std::size_t>> pending{{&root, 1}};
  while (!pending.empty()) {
    auto [value, depth] = pending.back();
    pending.pop_back();
    if (!value->is_structured()) continue;
    deepest = std::max(deepest, depth);
    for (const auto& child : *value) pending.push_back({&child, depth + 1});
  }
  return deepest;
}

// The text of a scalar or list value, or an error naming what was wrong.
std::expected<std::string, std::string> ValueText(const std::string& key, const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned() || v.is_number_float()) return v.dump();
  if (v.is_object() && key == "extra") {
    // dump() recurses once per level: measure first.
    if (DepthOf(v) > kMaxExtraDepth) {
      return std::unexpected(fmt::format("a JSON object of at most {} levels", kMaxExtraDepth));
    }
    return v.dump();
  }
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

std::string TypeOf(const std::string& key, const nlohmann::json& v) {
  if (key == "extra" && v.is_object()) return "one nested deeper";
  return v.type_name();
}

}  // namespace

std::expected<nlohmann::json, std::string> ReadDefaults(const std::string& path, bool implicit) {
  auto text = util::ReadInputFile("defaults file", path);
  if (!text && implicit) {
    return std::unexpected(fmt::format(
        "{} (pylogen reads ./{} when no --defaults is given: rename it, or name another file "
        "with --defaults)",
        text.error(), kImplicitDefaults));
  }
  if (!text) return std::unexpected("--defaults: " + text.error());
  return ParseDefaultsText(path, *text);
}

std::expected<nlohmann::json, std::string> ParseDefaultsText(const std::string& path,
                                                             const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::string file = util::Excerpt(path);
  if (j.is_discarded()) return std::unexpected(fmt::format("{}: not valid JSON{}", file, WhyNotJson(text)));
  if (!j.is_object()) {
    return std::unexpected(fmt::format("{}: expected a JSON object of option values", file));
  }
  return j;
}

std::expected<void, std::string> RefuseRunKeys(const nlohmann::json& defaults,
                                               const std::string& path) {
  for (const auto& [key, value] : defaults.items()) {
    if (!IsRunOption("--" + key)) continue;
    return std::unexpected(fmt::format(
        "{}: \"{}\" is a run option: a defaults file of scenario lines cannot set it (give "
        "--{} on the pylogen scenario command line)",
        util::Excerpt(path), key, key));
  }
  return {};
}

std::expected<std::vector<DefaultValue>, std::string> DefaultsToValues(
    const CLI::App& app, const nlohmann::json& defaults, const std::string& path,
    const std::vector<std::string>& excluded) {
  const std::string file = util::Excerpt(path);
  std::vector<DefaultValue> values;
  for (const auto& [key, value] : defaults.items()) {
    const CLI::Option* option = FindLong(app, key);
    bool not_allowed = std::find(excluded.begin(), excluded.end(), key) != excluded.end();
    if (option == nullptr || not_allowed) {
      return std::unexpected(fmt::format("{}: unknown option \"{}\"{}", file, util::Excerpt(key),
                                         DidYouMean(app, key, excluded)));
    }
    std::string label = fmt::format("{}: \"{}\"", file, key);
    if (option->get_expected_max() == 0) {  // a flag
      if (!value.is_boolean()) {
        return std::unexpected(fmt::format("{}: option \"{}\" expects true or false", file, key));
      }
      values.push_back({option, value.get<bool>() ? "true" : "false", std::move(label)});
      continue;
    }
    auto text = ValueText(key, value);
    if (!text) {
      return std::unexpected(fmt::format("{}: option \"{}\" expects {}, not {}", file, key,
                                         text.error(), TypeOf(key, value)));
    }
    values.push_back({option, std::move(*text), std::move(label)});
  }
  return values;
}

}  // namespace pylogen::cli
