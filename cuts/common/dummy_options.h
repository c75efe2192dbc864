// The --extra keys of Dummy and AsyncDummy, parsed and checked once in
// setup() (pure: no I/O). Header-only, shared by both so that they read the
// same spellings the same way, as Pylogen's Dummy did, with bounds:
//
//   sleep        seconds each request takes, a number or a numeric string
//                ("0.5"), from 0 to 8640000 (100 days, the bound of every
//                duration in pylogen; well inside 64-bit nanoseconds).
//                Default 1; 0 = no wait at all. Negative, NaN, infinite,
//                beyond the bound or not a number: refused, never clamped.
//   transaction  turns each operation into a transaction of three requests
//                R0-EXEC, R1-EXEC, R2-EXEC. Pylogen's Dummy turned it on
//                when the key was present at all: true, 1, "yes" (any
//                pylogen::ExtraFlag spelling of true) turn it on here too.
//                An explicit false, 0, "no" or "off" turns it off, since that
//                is what a user writing false means (Pylogen would have
//                turned it on). Absent: off, one request R_<length>.
//   error        a positive integer n (or a string of one), at most 2^63-1:
//                every n-th call of the process fails (rc 1, a message);
//                0 = none (the default). A fraction, a negative number or a
//                number beyond 2^63-1 is refused as "a positive integer".
//
// Any other key is refused (pylogen::ExtraCheckKeys), where Pylogen's Dummy
// ignored it: a typo such as "slep" would otherwise run with the default
// sleep of 1 s. Pylogen's samples and every run in this tree pass Dummy
// these three keys only. A refusal throws std::invalid_argument naming the
// key, what was expected and the value (pylogen/extra.h), which fails
// setup() with that line:
//   Dummy: setup failed: extra.sleep: expected a number of seconds from 0 to 8640000, got "x"
//   Dummy: setup failed: extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, transaction
#ifndef PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_
#define PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "pylogen/extra.h"

namespace pylogen::cuts {

// The longest sleep: 100 days, the bound of every duration in pylogen.
inline constexpr double kDummyMaxSleepS = 8'640'000;

struct DummyOptions {
  std::int64_t sleep_ns = 1'000'000'000;
  bool transaction = false;
  std::int64_t error_every = 0;  // 0: no call fails
};

namespace dummy_detail {

inline constexpr const char* kSleepExpected = "a number of seconds from 0 to 8640000";
inline constexpr const char* kErrorExpected =
    "a positive integer n (every n-th call fails) or 0 (none)";

// The getter's value of `key`, or `fallback` when absent; any refusal of the
// getter (wrong type, beyond int64) is rethrown as `expected`, the key's own
// words, so that the message says what the key takes.
template <typename Getter, typename T>
T Read(const nlohmann::json& extra, const char* key, T fallback, const char* expected, Getter get) {
  if (!ExtraHas(extra, key)) return fallback;
  try {
    return get(extra, key, fallback);
  } catch (const std::invalid_argument&) {
    throw ExtraError(key, expected, extra.at(key));
  }
}

}  // namespace dummy_detail

// The keys ParseDummyOptions reads; any other is refused.
inline constexpr std::string_view kDummyKeys[] = {"sleep", "transaction", "error"};

inline DummyOptions ParseDummyOptions(const nlohmann::json& extra) {
  using dummy_detail::Read;
  ExtraCheckKeys(extra, kDummyKeys);
  DummyOptions options;
  double sleep_s = Read(extra, "sleep", 1.0, dummy_detail::kSleepExpected, ExtraNumber);
  if (!(sleep_s >= 0 && sleep_s <= kDummyMaxSleepS)) {
    throw ExtraError("sleep", dummy_detail::kSleepExpected, extra.at("sleep"));
  }
  options.sleep_ns = std::llround(sleep_s * 1e9);
  options.transaction = ExtraFlag(extra, "transaction", false);
  options.error_every =
      Read(extra, "error", std::int64_t{0}, dummy_detail::kErrorExpected, ExtraInteger);
  if (options.error_every < 0) {
    throw ExtraError("error", dummy_detail::kErrorExpected, extra.at("error"));
  }
  return options;
}

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_
