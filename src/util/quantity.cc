#include "util/quantity.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "util/bounds.h"
#include "util/excerpt.h"

namespace pylogen::util {
namespace {

struct Unit {
  std::string_view suffix;
  double seconds;
};
// Longest suffixes first so that "ms" is not read as "m" + garbage.
constexpr Unit kUnits[] = {{"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"s", 1},
                           {"m", 60},    {"h", 3600},  {"d", 86400}};

}  // namespace

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || stop != end || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<double> ParseSeconds(std::string_view text) {
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      auto value = ParseNumber(text.substr(0, text.size() - unit.suffix.size()));
      if (!value || !std::isfinite(*value * unit.seconds)) return std::nullopt;
      return *value * unit.seconds;
    }
  }
  return ParseNumber(text);
}

std::optional<std::uint64_t> ParseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::string FormatNumber(double value) {
  auto without_plus = [](std::string text) {
    if (auto plus = text.find("e+"); plus != std::string::npos) text.erase(plus + 1, 1);
    return text;
  };
  std::string exact = without_plus(fmt::format("{}", value));
  if (exact.size() <= 10 || !std::isfinite(value)) return exact;
  std::string shorter = without_plus(fmt::format("{:.6g}", value));
  return ParseNumber(shorter) == value && shorter.size() < exact.size() ? shorter : exact;
}

std::string SecondsText(std::string_view text) {
  bool has_unit = !text.empty() && std::isalpha(static_cast<unsigned char>(text.back()));
  return Excerpt(text) + (has_unit ? "" : "s");
}

std::optional<std::string> CheckDurationBound(std::string_view what, std::string_view shown,
                                              double seconds) {
  if (seconds <= kMaxDurationS) return std::nullopt;
  return fmt::format("{} {} is above the bound of {}", what, shown, kMaxDurationText);
}

std::optional<std::string> CheckRateBound(std::string_view what, std::string_view shown,
                                          double rate) {
  if (rate <= kMaxRate) return std::nullopt;
  return fmt::format("{} {} is above the bound of {}", what, shown, kMaxRateText);
}

}  // namespace pylogen::util
