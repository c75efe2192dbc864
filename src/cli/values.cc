#include "cli/values.h"

#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/excerpt.h"
#include "util/quantity.h"

namespace pylogen::cli {
namespace {

std::string DurationError(std::string_view option, std::string_view text) {
  return fmt::format("{}: '{}' is not a duration (expected {}, >= 0)", option, util::Excerpt(text),
                     util::kSecondsGrammar);
}

}  // namespace

std::expected<double, std::string> ParseDuration(std::string_view option, std::string_view text) {
  auto seconds = util::ParseSeconds(text);
  if (!seconds || std::signbit(*seconds)) return std::unexpected(DurationError(option, text));
  // Longer durations are surely typos, and would overflow nanosecond clocks.
  if (auto above =
          util::CheckDurationBound(fmt::format("{}:", option), util::SecondsText(text), *seconds)) {
    return std::unexpected(std::move(*above));
  }
  return *seconds;
}

std::expected<double, std::string> ParseDuration(std::string_view option, std::string_view text,
                                                 double floor_s, std::string_view floor_text) {
  auto seconds = ParseDuration(option, text);
  if (seconds && !(*seconds >= floor_s)) {
    return std::unexpected(fmt::format("{}: {} is below the floor of {}", option,
                                       util::SecondsText(text), floor_text));
  }
  return seconds;
}

std::expected<std::uint64_t, std::string> ParseCount(std::string_view option, std::string_view text,
                                                     std::uint64_t min, std::uint64_t max) {
  auto value = util::ParseUnsigned(text);
  if (!value || *value < min || *value > max) {
    return std::unexpected(
        fmt::format("{}: '{}' is not a valid count (expected an integer from {} to {})", option,
                    util::Excerpt(text), min, max));
  }
  return *value;
}

namespace {

// Length of the UTF-8 sequence at text[i], or 0 when it is not one (overlong
// forms, surrogates and code points above U+10FFFF included).
std::size_t Utf8SequenceAt(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || c > 0xf4 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  unsigned char d = byte(i + 1);
  if ((c == 0xe0 && d < 0xa0) || (c == 0xed && d >= 0xa0) || (c == 0xf0 && d < 0x90) ||
      (c == 0xf4 && d >= 0x90)) {
    return 0;
  }
  return n;
}

}  // namespace

std::expected<std::string, std::string> ParseUtf8(std::string_view option, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = Utf8SequenceAt(text, i);
    if (n == 0) {
      return std::unexpected(fmt::format("{}: not valid UTF-8 (byte 0x{:02x} at offset {}); expected text",
                                         option, static_cast<unsigned char>(text[i]), i));
    }
    i += n;
  }
  return std::string(text);
}

std::expected<std::vector<std::string>, std::string> ParseList(std::string_view option,
                                                               std::string_view text) {
  if (auto utf8 = ParseUtf8(option, text); !utf8) return std::unexpected(utf8.error());
  std::vector<std::string> tokens;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    std::string_view token = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (token.empty()) {
      return std::unexpected(fmt::format(
          "{}: '{}' has an empty item (expected comma-separated values like 0 or 384,512,1024)",
          option, util::Excerpt(text)));
    }
    tokens.emplace_back(token);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return tokens;
}

std::expected<std::string, std::string> ParseJsonObject(std::string_view option, std::string_view text) {
  try {
    nlohmann::json value = nlohmann::json::parse(text);
    if (!value.is_object()) {
      return std::unexpected(
          fmt::format("{}: expected a JSON object like '{{\"sleep\":0}}', got {} {}", option,
                      value.is_array() ? "an" : "a", value.type_name()));
    }
  } catch (const nlohmann::json::exception& e) {  // parse errors, and numbers out of range (1e400)
    std::string what = e.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at ...": keep the tail.
    auto pos = what.find("] ");
    std::string_view reason =
        pos == std::string::npos ? what : std::string_view(what).substr(pos + 2);
    // The reason quotes what was read last, which may be long too.
    return std::unexpected(fmt::format("{}: '{}' is not valid JSON: {}", option,
                                       util::Excerpt(text),
                                       util::Excerpt(reason, 2 * util::kMaxExcerptBytes)));
  }
  return std::string(text);
}

}  // namespace pylogen::cli
