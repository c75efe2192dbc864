// The built-in defaults of a run's options, in one place: the command line's
// default texts (cli/options.cc), the options and plan structs and the
// opened model's controller settings all take them from here. Plain
// constants; used in the supervisor before anything is forked.
#ifndef PYLOGEN_PLAN_DEFAULTS_H_
#define PYLOGEN_PLAN_DEFAULTS_H_

#include <cstdint>

namespace pylogen::plan {

// Closed model and every load.
inline constexpr std::uint32_t kDefaultProcesses = 1;
inline constexpr std::uint64_t kDefaultLoops = 5;
inline constexpr std::uint32_t kDefaultConcurrency = 1;
inline constexpr double kDefaultOptimeoutS = 60;

// Opened model (DESIGN §4).
inline constexpr const char* kDefaultSchedule = "30@10";
inline constexpr const char* kDefaultArrivals = "uniform";
inline constexpr const char* kDefaultBurst = "1";
inline constexpr std::uint32_t kDefaultPrefork = 10;  // or --maxworkers when smaller
inline constexpr std::uint32_t kDefaultTrigger = 3;
inline constexpr double kDefaultControllerDelayS = 1;
inline constexpr std::uint32_t kDefaultDecrease = 10;
inline constexpr std::uint32_t kDefaultMinWorkers = 1;
inline constexpr std::uint32_t kDefaultMaxWorkers = 1000;
inline constexpr std::uint64_t kDefaultJobs = 65536;  // jobs queue capacity (events)

// Run options.
inline constexpr double kDefaultSummaryS = 1;
// --summary's floor: a shorter interval would tick faster than the reader
// drains (and 0 ns would divide by zero).
inline constexpr double kMinSummaryS = 0.001;
inline constexpr const char* kMinSummaryText = "1ms";
inline constexpr double kDefaultGraceS = 10;

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_DEFAULTS_H_
