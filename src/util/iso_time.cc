#include "util/iso_time.h"

#include <time.h>

#include <cstdio>

#include <fmt/format.h>

#include "util/excerpt.h"

namespace pylogen::util {

std::string IsoText(std::int64_t ns) {
  if (ns == 0) return "";
  time_t seconds = static_cast<time_t>(ns / 1'000'000'000);
  tm utc;
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                     (ns / 1000) % 1'000'000);
}

std::expected<std::int64_t, std::string> ParseIsoTime(const std::string& text) {
  if (text.empty()) return 0;
  int year, month, day, hour, minute, second;
  char fraction[16] = {};
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%9[0-9]Z%n", &year, &month, &day, &hour,
                  &minute, &second, fraction, &consumed) != 7 ||
      static_cast<std::size_t>(consumed) != text.size() || month < 1 || month > 12 || day < 1 ||
      day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::unexpected(fmt::format("'{}', expected a time such as 2026-11-22T21:30:37.901012Z",
                                       Excerpt(text)));
  }
  tm utc{};
  utc.tm_year = year - 1900;
  utc.tm_mon = month - 1;
  utc.tm_mday = day;
  utc.tm_hour = hour;
  utc.tm_min = minute;
  utc.tm_sec = second;
  std::int64_t ns = 0;
  std::string digits(fraction);
  digits.resize(9, '0');
  for (char c : digits) ns = ns * 10 + (c - '0');
  return static_cast<std::int64_t>(timegm(&utc)) * 1'000'000'000 + ns;
}

}  // namespace pylogen::util
