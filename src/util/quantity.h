// The one grammar of numbers, durations and counts in pylogen's input: the
// command line's values (cli/values), the defaults file's and scenario's
// (through the command line) and the --schedule grammar (schedule/) all read
// them here, and word their bound errors here, so that a value means the same
// and is refused the same way wherever it is given. The bounds themselves are
// in util/bounds.h. Pure functions, any process.
#ifndef PYLOGEN_UTIL_QUANTITY_H_
#define PYLOGEN_UTIL_QUANTITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pylogen::util {

// A decimal number as std::from_chars reads it: "10", "0.5", "-2", "1e3".
// Nothing else: no '+', no spaces, no hexadecimal, no "inf" or "nan", and
// nothing out of a double's range ("1e400").
std::optional<double> ParseNumber(std::string_view text);

// Seconds: a number, optionally followed by one unit: ns, us, ms, s, m, h, d
// ("30", "0.5", "500ms", "250us", "2m", "1h", "100d"). Any sign: the caller
// checks the range. nullopt when the product would not be finite.
std::optional<double> ParseSeconds(std::string_view text);

// A count: decimal digits only (no sign, no spaces), fitting 64 bits.
std::optional<std::uint64_t> ParseUnsigned(std::string_view text);

// What ParseSeconds accepts, for messages ("... is not a duration (expected ...)").
inline constexpr std::string_view kSecondsGrammar =
    "seconds like 30 or 0.5, or a number with a unit: 500ms, 250us, 30s, 2m, 1h, 1d";

// A double for a message: its shortest exact form ("0.3", "8640000"), or an
// exponent form for long ones ("1e12", "1.5e300").
std::string FormatNumber(double value);

// A duration's text for a message, cut by util::Excerpt, with "s" added when
// it has no unit: "1e12" -> "1e12s", "2000h" -> "2000h".
std::string SecondsText(std::string_view text);

// Bound checks: nullopt within the bound, else the reason, naming `what`
// (a word like "duration" or "sawtooth PERIOD") and quoting `shown` (the
// user's text or FormatNumber of a derived value):
//   "duration 1e12s is above the bound of 100 days (8640000s)"
//   "rate 1e12 is above the bound of 1e7 events/s"
// NaN and infinities are above every bound.
std::optional<std::string> CheckDurationBound(std::string_view what, std::string_view shown,
                                              double seconds);
std::optional<std::string> CheckRateBound(std::string_view what, std::string_view shown,
                                          double rate);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_QUANTITY_H_
