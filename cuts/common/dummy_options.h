// The --extra keys of Dummy and AsyncDummy, parsed and checked once in
// setup() (pure: no I/O). Header-only, shared by both so that they read the
// same spellings the same way, as Pylogen's Dummy did:
//
//   sleep        seconds each request takes, a number or a numeric string
//                ("0.5"), from 0 to 86400 (default 1; 0 = no wait at all)
//   transaction  turns each operation into a transaction of three requests
//                R0-EXEC, R1-EXEC, R2-EXEC. Pylogen's Dummy turned it on
//                when the key was present at all: true, 1, "yes" (any
//                pylogen::ExtraFlag spelling of true) turn it on here too.
//                An explicit false, 0, "no" or "off" turns it off, since that
//                is what a user writing false means (Pylogen would have
//                turned it on). Absent: off, one request R_<length>.
//   error        an integer n >= 0 (or a string of one): every n-th call of
//                the process fails (rc 1, a message); 0 = none (default)
//
// Any other spelling throws std::invalid_argument naming the key and the
// type expected (see pylogen/extra.h), which fails setup() with that line.
#ifndef PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_
#define PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_

#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "pylogen/extra.h"

namespace pylogen::cuts {

// The longest sleep: a day, far beyond any run, and well inside int64 ns.
inline constexpr double kDummyMaxSleepS = 86'400;

struct DummyOptions {
  std::int64_t sleep_ns = 1'000'000'000;
  bool transaction = false;
  std::int64_t error_every = 0;  // 0: no call fails
};

inline DummyOptions ParseDummyOptions(const nlohmann::json& extra) {
  DummyOptions options;
  double sleep_s = ExtraNumber(extra, "sleep", 1.0);
  if (!(sleep_s >= 0 && sleep_s <= kDummyMaxSleepS)) {
    throw ExtraError("sleep", "a number of seconds from 0 to 86400", extra.at("sleep"));
  }
  options.sleep_ns = std::llround(sleep_s * 1e9);
  options.transaction = ExtraFlag(extra, "transaction", false);
  options.error_every = ExtraInteger(extra, "error", 0);
  if (options.error_every < 0) {
    throw ExtraError("error", "an integer >= 0 (every n-th call fails; 0: none)",
                     extra.at("error"));
  }
  return options;
}

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_COMMON_DUMMY_OPTIONS_H_
