// Parsing of option values: durations with units, counts, JSON objects.
// Pure functions; each error names the option and what was expected, and
// quotes the value cut by util::Excerpt. Numbers follow util/quantity.h's
// grammar and util/bounds.h's bounds, as the --schedule does.
#ifndef PYLOGEN_CLI_VALUES_H_
#define PYLOGEN_CLI_VALUES_H_

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::cli {

// Seconds from "10", "0.5", "500ms", "250us", "2m", "1h", "1.5s", "1d"
// (util::ParseSeconds), at most util::kMaxDurationS (100 days). Negative
// (-0 too), NaN, infinite and empty values are errors.
std::expected<double, std::string> ParseDuration(std::string_view option, std::string_view text);
// Same, and at least `floor_s`, named `floor_text` in the error ("1ms" for
// --summary, plan::kMinSummaryS).
std::expected<double, std::string> ParseDuration(std::string_view option, std::string_view text,
                                                 double floor_s, std::string_view floor_text);
// An integer in [min, max].
std::expected<std::uint64_t, std::string> ParseCount(std::string_view option, std::string_view text,
                                                     std::uint64_t min, std::uint64_t max);
// Comma-separated non-empty tokens ("0", "384,512,1024").
std::expected<std::vector<std::string>, std::string> ParseList(std::string_view option,
                                                               std::string_view text);
// `text` itself when it is valid UTF-8 (ids and lengths end up in JSON lines
// and reports); else an error naming the option and the first bad byte.
std::expected<std::string, std::string> ParseUtf8(std::string_view option, std::string_view text);
// Validates that `text` is a JSON object; returns it unchanged.
std::expected<std::string, std::string> ParseJsonObject(std::string_view option, std::string_view text);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_VALUES_H_
