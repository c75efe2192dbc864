// The report's times: ISO-8601 UTC with microseconds
// ("2026-11-22T21:30:37.901012Z"), written by the reader and read back by
// `pylogen report`. Pure functions.
#ifndef PYLOGEN_UTIL_ISO_TIME_H_
#define PYLOGEN_UTIL_ISO_TIME_H_

#include <cstdint>
#include <expected>
#include <string>

namespace pylogen::util {

// ns since the epoch to the text; 0 (no time known) is "".
std::string IsoText(std::int64_t ns);

// The inverse ("" is 0); the error quotes the text and shows the form expected.
std::expected<std::int64_t, std::string> ParseIsoTime(const std::string& text);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_ISO_TIME_H_
