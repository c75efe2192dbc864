// pylogen SDK — typed getters for a CUT's --extra object.
//
// --extra is whatever JSON the user typed, and Pylogen's Python CUTs read it
// with float(), int() and "is the key there": {"sleep":"0.5"} and
// {"transaction":1} are usual spellings. These getters accept those
// spellings, and refuse anything else with one line naming the key, the
// expected type and the value given:
//
//   extra.sleep: expected a number, got "x"
//
// Call them from setup() (they allocate, and they throw): pylogen reports a
// setup() that throws as a failed start (exit 3) with its message. Header-only,
// C++17, the standard library and nlohmann_json only; any thread, no state.
//
// Every getter takes the whole --extra value (`extra()` of the CUT) and a key:
//   - an absent key (or a null/empty --extra) gives `fallback`;
//   - a present key whose value is null is a mismatch, not "absent";
//   - --extra that is neither an object nor null throws, naming --extra;
//   - a mismatch throws std::invalid_argument (ExtraError's message).
//
// What each accepts (a "numeric string" is trimmed of ASCII whitespace, may
// start with one '+' or '-', and must be wholly the number: no trailing junk,
// no '_' separators, no hexadecimal):
//
//   ExtraNumber   a JSON number; a string holding a decimal number as
//                 Python's float() reads it ("0.5", " 2 ", "1e-3", ".5").
//                 Not finite, or beyond a double's range ("nan", "inf",
//                 "1e999", "1e-999"), is refused: no CUT wants to sleep or
//                 time out forever by accident.
//   ExtraInteger  a JSON integer within int64; a JSON float with no
//                 fractional part within int64 (3.0, 1e3); a string holding
//                 decimal digits as Python's int() reads them ("42", " -7 ",
//                 but not "4.0" nor "1e3", which int() refuses too). A
//                 fraction (1.5) is refused, never truncated.
//   ExtraFlag     true/false; a number (0 is false, any other is true); a
//                 string, case-insensitive: "true"/"false", "yes"/"no",
//                 "on"/"off", "1"/"0". Any other string ("", "maybe") is
//                 refused: Python's truthiness (every non-empty string is
//                 true, "false" too) is what this refuses to copy.
//   ExtraString   a JSON string only. A number is refused, not converted:
//                 a CUT that calls str() on a number can test
//                 extra[key].is_number() itself; for the usual string keys
//                 (a URL, a key name, a file) a number is a mistake.
//   ExtraHas      whether the key is present (with any value, null too).
//
// ExtraError builds the same message for a CUT's own checks, so that a range
// refusal reads like a type refusal:
//
//   if (sleep < 0) throw pylogen::ExtraError("sleep", "a number >= 0", extra["sleep"]);
//   // extra.sleep: expected a number >= 0, got -1
//
// The value is quoted as JSON, cut to about 40 characters ("..." then).
//
// ExtraCheckKeys is the opt-in check of unknown keys: a CUT that calls it
// first in setup() turns a typo into a setup error instead of a silently
// ignored key:
//
//   pylogen::ExtraCheckKeys(extra(), {"sleep", "transaction", "error"});
//   // --extra '{"slep":1}':
//   // extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, transaction
//
//   - null, {} or only known keys: nothing happens; --extra that is neither
//     an object nor null throws, naming --extra (the getters' rule);
//   - the first unknown key (in JSON object order: by name, bytewise) is
//     named; further ones are counted, not listed: "extra.a: unknown key,
//     and 2 more unknown keys; known keys: ...";
//   - "did you mean" names the known key nearest to it, at most 2 edits
//     away (insertions, deletions, substitutions, swaps of two neighbours),
//     1 for known keys of 3 letters or fewer: the command line's rule for
//     options; ties go to the key sharing the longest start, then the
//     shorter, then the first by name;
//   - the known keys are listed sorted, each once ("known keys: none" for a
//     CUT that takes none);
//   - a key of letters, digits, '_', '-' and '.' up to 40 bytes is written
//     as is; any other (empty, spaces, control characters, longer) is
//     quoted as JSON and cut like a value: extra."a b", extra."xxx...
#ifndef PYLOGEN_EXTRA_H_
#define PYLOGEN_EXTRA_H_

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pylogen {

namespace extra_detail {

inline constexpr std::size_t kQuotedMax = 40;

// `value` as JSON, cut to kQuotedMax bytes on a UTF-8 character boundary.
inline std::string Quote(const nlohmann::json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    // dump() writes a non-finite double as null, which would mislead.
    double d = value.get<double>();
    return std::isnan(d) ? "nan" : (d > 0 ? "inf" : "-inf");
  }
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kQuotedMax) return text;
  std::size_t cut = kQuotedMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

// Throws, naming --extra, when `extra` is neither an object nor null.
inline void RequireObjectOrNull(const nlohmann::json& extra) {
  if (!extra.is_null() && !extra.is_object()) {
    throw std::invalid_argument("--extra: expected a JSON object, got " + Quote(extra));
  }
}

// The value under `key`, nullptr when absent. Throws when `extra` is neither
// an object nor null.
inline const nlohmann::json* Find(const nlohmann::json& extra, std::string_view key) {
  RequireObjectOrNull(extra);
  if (extra.is_null()) return nullptr;
  auto it = extra.find(std::string(key));
  return it == extra.end() ? nullptr : &*it;
}

// `text` without leading and trailing ASCII whitespace.
inline std::string_view Trim(std::string_view text) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

// A numeric string's text for from_chars, which takes no '+': "+5" -> "5",
// "+-5" -> "" (refused), "-5" as is.
inline std::string_view NumericText(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() == '+' || text.front() == '-') return {};
  }
  return text;
}

template <typename T>
bool ParseWhole(std::string_view text, T& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto parsed = std::from_chars(text.data(), end, out);
  return parsed.ec == std::errc() && parsed.ptr == end;
}

inline bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

// Keys longer than this get no "did you mean" (and no quadratic work).
inline constexpr std::size_t kNearestMax = 64;

// Optimal string alignment distance (Damerau-Levenshtein without repeated
// edits of one substring), as the command line's "did you mean".
inline std::size_t EditDistance(std::string_view a, std::string_view b) {
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

inline std::size_t CommonStart(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

// The one of `known` (sorted, unique) nearest to `key`, "" when none is near.
inline std::string_view NearestKey(std::string_view key, const std::vector<std::string_view>& known) {
  if (key.empty() || key.size() > kNearestMax) return {};
  std::string_view best;
  std::size_t best_distance = 0, best_start = 0;
  for (std::string_view name : known) {
    std::size_t limit = name.size() <= 3 ? 1 : 2;
    std::size_t distance = EditDistance(key, name);
    if (distance == 0 || distance > limit) continue;
    std::size_t start = CommonStart(key, name);
    // `known` is sorted: on a full tie the first by name stays.
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

// A key as it appears after "extra.": as is when plain, else quoted and cut.
inline std::string KeyText(const std::string& key) {
  bool plain = !key.empty() && key.size() <= kQuotedMax &&
               std::all_of(key.begin(), key.end(), [](char c) {
                 unsigned char u = static_cast<unsigned char>(c);
                 return std::isalnum(u) != 0 || c == '_' || c == '-' || c == '.';
               });
  return plain ? key : Quote(nlohmann::json(key));
}

inline std::string UnknownKeyMessage(const std::string& key, std::size_t more,
                                     const std::vector<std::string_view>& known) {
  std::string text = "extra." + KeyText(key) + ": unknown key";
  std::string_view nearest = NearestKey(key, known);
  if (!nearest.empty()) text += " (did you mean " + std::string(nearest) + "?)";
  if (more != 0) {
    text += ", and " + std::to_string(more) + (more == 1 ? " more unknown key" : " more unknown keys");
  }
  text += "; known keys: ";
  if (known.empty()) text += "none";
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (i != 0) text += ", ";
    text += known[i];
  }
  return text;
}

}  // namespace extra_detail

// The mismatch of `key`: `extra.KEY: expected EXPECTED, got VALUE`.
// Returned, not thrown, so that a caller writes `throw ExtraError(...)`.
inline std::invalid_argument ExtraError(std::string_view key, std::string_view expected,
                                        const nlohmann::json& got) {
  return std::invalid_argument("extra." + std::string(key) + ": expected " +
                               std::string(expected) + ", got " + extra_detail::Quote(got));
}

inline bool ExtraHas(const nlohmann::json& extra, std::string_view key) {
  return extra_detail::Find(extra, key) != nullptr;
}

inline double ExtraNumber(const nlohmann::json& extra, std::string_view key, double fallback) {
  const nlohmann::json* value = extra_detail::Find(extra, key);
  if (value == nullptr) return fallback;
  double number = 0;
  bool ok = false;
  if (value->is_number()) {
    number = value->get<double>();
    ok = true;
  } else if (value->is_string()) {
    ok = extra_detail::ParseWhole(extra_detail::NumericText(value->get_ref<const std::string&>()),
                                  number);
  }
  if (!ok || !std::isfinite(number)) throw ExtraError(key, "a number", *value);
  return number;
}

inline std::int64_t ExtraInteger(const nlohmann::json& extra, std::string_view key,
                                 std::int64_t fallback) {
  const nlohmann::json* value = extra_detail::Find(extra, key);
  if (value == nullptr) return fallback;
  constexpr const char* kRange = "an integer from -9223372036854775808 to 9223372036854775807";
  if (value->is_number_unsigned()) {
    auto number = value->get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw ExtraError(key, kRange, *value);
    }
    return static_cast<std::int64_t>(number);
  }
  if (value->is_number_integer()) return value->get<std::int64_t>();
  if (value->is_number_float()) {
    double number = value->get<double>();
    if (!std::isfinite(number) || std::trunc(number) != number) {
      throw ExtraError(key, "an integer", *value);
    }
    // [-2^63, 2^63): both bounds are exact doubles.
    if (number < -9223372036854775808.0 || number >= 9223372036854775808.0) {
      throw ExtraError(key, kRange, *value);
    }
    return static_cast<std::int64_t>(number);
  }
  if (value->is_string()) {
    std::string_view text = extra_detail::NumericText(value->get_ref<const std::string&>());
    std::int64_t number = 0;
    if (extra_detail::ParseWhole(text, number)) return number;
    std::size_t digits = text.empty() || text.front() != '-' ? 0 : 1;
    bool all_digits = text.size() > digits;
    for (std::size_t i = digits; i < text.size(); ++i) {
      all_digits = all_digits && std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    }
    throw ExtraError(key, all_digits ? kRange : "an integer", *value);
  }
  throw ExtraError(key, "an integer", *value);
}

inline bool ExtraFlag(const nlohmann::json& extra, std::string_view key, bool fallback) {
  const nlohmann::json* value = extra_detail::Find(extra, key);
  if (value == nullptr) return fallback;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_number()) return value->get<double>() != 0;
  if (value->is_string()) {
    std::string_view text = extra_detail::Trim(value->get_ref<const std::string&>());
    for (const char* yes : {"true", "yes", "on", "1"}) {
      if (extra_detail::EqualsNoCase(text, yes)) return true;
    }
    for (const char* no : {"false", "no", "off", "0"}) {
      if (extra_detail::EqualsNoCase(text, no)) return false;
    }
  }
  throw ExtraError(key, "a boolean (true/false, 1/0, \"yes\"/\"no\", \"on\"/\"off\")", *value);
}

inline std::string ExtraString(const nlohmann::json& extra, std::string_view key,
                               std::string_view fallback) {
  const nlohmann::json* value = extra_detail::Find(extra, key);
  if (value == nullptr) return std::string(fallback);
  if (!value->is_string()) throw ExtraError(key, "a string", *value);
  return value->get<std::string>();
}

// Refuses the first key of `extra` that is not one of `known` (any range of
// things a std::string_view is made from: an initializer list, an array, a
// vector of strings), with one line naming it, the nearest known key and
// the known keys (see the top of this file). Allocates and throws: setup().
template <typename Keys>
void ExtraCheckKeys(const nlohmann::json& extra, const Keys& known) {
  extra_detail::RequireObjectOrNull(extra);
  if (extra.is_null() || extra.empty()) return;
  std::vector<std::string_view> names;
  for (const auto& name : known) names.emplace_back(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  const std::string* first = nullptr;
  std::size_t more = 0;
  for (auto it = extra.begin(); it != extra.end(); ++it) {
    if (std::binary_search(names.begin(), names.end(), std::string_view(it.key()))) continue;
    if (first == nullptr) {
      first = &it.key();  // the object's own key: outlives the iterator
    } else {
      ++more;
    }
  }
  if (first != nullptr) {
    throw std::invalid_argument(extra_detail::UnknownKeyMessage(*first, more, names));
  }
}

inline void ExtraCheckKeys(const nlohmann::json& extra,
                           std::initializer_list<std::string_view> known) {
  ExtraCheckKeys<std::initializer_list<std::string_view>>(extra, known);
}

}  // namespace pylogen

#endif  // PYLOGEN_EXTRA_H_
