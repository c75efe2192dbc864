// Low-level field writing for the line formats: integers, fixed-point
// numbers from integers, and escaped texts, written at a raw pointer into
// room the caller reserved beforehand. Internal to src/output/; reader
// process only; no allocation, no per-field capacity check.
#ifndef PYLOGEN_OUTPUT_FIELD_WRITER_H_
#define PYLOGEN_OUTPUT_FIELD_WRITER_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/compile.h>
#include <fmt/format.h>

namespace pylogen::output::detail {

inline constexpr std::int64_t kNanosPerMilli = 1'000'000;
inline constexpr std::uint64_t kNanosPerMicro = 1'000;
inline constexpr std::uint64_t kMicrosPerSecond = 1'000'000;

inline std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

inline std::uint64_t Magnitude(std::int64_t v) {
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

inline std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return a < 0 ? INT64_MIN : INT64_MAX;
}

// A record's bounded text: NUL-terminated, but never read past its capacity.
template <std::size_t N>
inline std::string_view Text(const char (&field)[N]) {
  return {field, strnlen(field, N)};
}


// Length of the valid UTF-8 sequence at [i, end), 0 when it is not one
// (Unicode table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
inline std::size_t Utf8SequenceLength(const unsigned char* i, const unsigned char* end) {
  auto in = [](unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  std::ptrdiff_t left = end - i;
  unsigned char c = i[0];
  if (in(c, 0xC2, 0xDF)) return left >= 2 && in(i[1], 0x80, 0xBF) ? 2 : 0;
  if (in(c, 0xE0, 0xEF)) {
    if (left < 3) return 0;
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return in(i[1], lo, hi) && in(i[2], 0x80, 0xBF) ? 3 : 0;
  }
  if (in(c, 0xF0, 0xF4)) {
    if (left < 4) return 0;
    unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i[1], lo, hi) && in(i[2], 0x80, 0xBF) && in(i[3], 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Writes at a raw pointer into room the caller reserved beforehand: no
// capacity check per field, which is what makes a line cost ~100 ns.
class FieldWriter {
 public:
  explicit FieldWriter(char* p) : p_(p) {}
  char* end() const { return p_; }

  void Char(char c) { *p_++ = c; }
  template <std::size_t N>
  void Lit(const char (&text)[N]) {
    std::memcpy(p_, text, N - 1);
    p_ += N - 1;
  }
  void Str(std::string_view text) {
    if (text.empty()) return;  // data() may be null
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void Uint(std::uint64_t v) { p_ = fmt::format_to(p_, FMT_COMPILE("{}"), v); }
  void Int(std::int64_t v) { p_ = fmt::format_to(p_, FMT_COMPILE("{}"), v); }

  // Exactly `width` digits of v, zero-padded.
  void Digits(std::uint32_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p_[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p_ += width;
  }

  // Milliseconds as seconds with 3 decimals: -1500 -> "-1.500".
  void Millis3(std::int64_t ms) {
    if (ms < 0) Char('-');
    std::uint64_t m = Magnitude(ms);
    Uint(m / 1000);
    Char('.');
    Digits(static_cast<std::uint32_t>(m % 1000), 3);
  }

  // Nanoseconds as seconds with 6 decimals, rounded half away from zero; a
  // value that rounds to zero has no sign.
  void Seconds6(std::int64_t ns) {
    std::uint64_t us = (Magnitude(ns) + kNanosPerMicro / 2) / kNanosPerMicro;
    if (ns < 0 && us != 0) Char('-');
    Uint(us / kMicrosPerSecond);
    Char('.');
    Digits(static_cast<std::uint32_t>(us % kMicrosPerSecond), 6);
  }

  // A rate with 1 decimal. Non-finite values are `null` when json is set.
  void Tenths(double v, bool json = false) {
    if (!(std::fabs(v) < 1e15)) {  // also NaN: the slow path, never in practice
      if (json && !std::isfinite(v)) {
        Lit("null");
      } else {
        p_ = fmt::format_to(p_, "{:.1f}", v);
      }
      return;
    }
    auto tenths = static_cast<std::int64_t>(v * 10 + (v < 0 ? -0.5 : 0.5));
    if (tenths < 0) Char('-');
    std::uint64_t t = Magnitude(tenths);
    Uint(t / 10);
    Char('.');
    Char(static_cast<char>('0' + t % 10));
  }

  // A quoted text for the short and long formats: backslash escapes for the
  // quote, the backslash and control characters, so a line stays one line.
  void QuotedText(std::string_view text) {
    Char('"');
    for (char ch : text) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        Char('\\');
        Char(ch);
      } else if (c == '\n') {
        Lit("\\n");
      } else if (c == '\r') {
        Lit("\\r");
      } else if (c == '\t') {
        Lit("\\t");
      } else if (c < 0x20 || c == 0x7F) {
        Lit("\\x");
        Hex2(c);
      } else {
        Char(ch);
      }
    }
    Char('"');
  }

  // A CSV field always quoted, quotes doubled.
  void CsvQuoted(std::string_view text) {
    Char('"');
    for (char ch : text) {
      if (ch == '"') Char('"');
      Char(ch);
    }
    Char('"');
  }

  // Makes the field written since `start` a valid CSV field: quotes it, in
  // place, when it holds a comma, a quote or a line break (RFC 4180). The
  // caller's reservation leaves room for the growth.
  void CsvFixup(char* start) {
    std::size_t quotes = 0;
    bool special = false;
    for (const char* i = start; i < p_; ++i) {
      if (*i == '"') ++quotes;
      special |= *i == ',' || *i == '"' || *i == '\n' || *i == '\r';
    }
    if (!special) return;
    char* old_end = p_;
    p_ += 2 + quotes;
    char* dst = p_;
    *--dst = '"';
    for (const char* i = old_end; i > start;) {
      char c = *--i;
      *--dst = c;
      if (c == '"') *--dst = '"';
    }
    *--dst = '"';
  }

  // The inside of a JSON string: quote, backslash and control characters
  // escaped (\u00XX), invalid UTF-8 (a name truncated mid-character)
  // replaced by U+FFFD so that every line parses.
  void JsonEscaped(std::string_view text) {
    auto i = reinterpret_cast<const unsigned char*>(text.data());
    auto end = i + text.size();
    while (i < end) {
      unsigned char c = *i;
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        *p_++ = static_cast<char>(c);
        ++i;
      } else if (c == '"' || c == '\\') {
        Char('\\');
        Char(static_cast<char>(c));
        ++i;
      } else if (c < 0x20) {
        Lit("\\u00");
        Hex2(c);
        ++i;
      } else if (std::size_t n = Utf8SequenceLength(i, end); n != 0) {
        std::memcpy(p_, i, n);
        p_ += n;
        i += n;
      } else {
        Lit("\\ufffd");
        ++i;
      }
    }
  }
  void JsonString(std::string_view text) {
    Char('"');
    JsonEscaped(text);
    Char('"');
  }

 private:
  void Hex2(unsigned char c) {
    constexpr char kHex[] = "0123456789abcdef";
    Char(kHex[c >> 4]);
    Char(kHex[c & 0xF]);
  }

  char* p_;
};

}  // namespace pylogen::output::detail

#endif  // PYLOGEN_OUTPUT_FIELD_WRITER_H_
