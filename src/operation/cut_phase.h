// Running one phase of a CUT (its constructor, setup(), teardown()) so that
// no exception escapes: a failure comes back as one line naming the CUT, the
// phase and the reason. And the Context every CUT instance is given.
// Worker processes only, after fork.
#ifndef PYLOGEN_OPERATION_CUT_PHASE_H_
#define PYLOGEN_OPERATION_CUT_PHASE_H_

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "plan/run_plan.h"
#include "pylogen/context.h"
#include "shm/segment.h"

namespace pylogen::operation {

// Calls fn(); an exception gives "CUT: FAILED: what()", or "CUT: FAILED an
// unknown exception" for one that is not a std::exception — e.g.
// RunPhase("Dummy", "setup failed", "setup failed with", ...).
template <class Fn>
std::optional<std::string> RunPhase(std::string_view cut, std::string_view failed,
                                    std::string_view failed_unknown, Fn&& fn) {
  try {
    fn();
    return std::nullopt;
  } catch (const std::exception& e) {
    return fmt::format("{}: {}: {}", cut, failed, e.what());
  } catch (...) {
    return fmt::format("{}: {} an unknown exception", cut, failed_unknown);
  }
}

// A worker process could not start (its loop or its CUT): the error goes into
// its slot, for the summary and the report. Nothing is printed here: the
// supervisor reads it when it reaps the process and says it on stderr, once
// for all the processes that failed the same way (supervisor/repeated_lines.h).
void ReportStartFailure(shm::Slot& slot, const std::string& error);

// A CUT's teardown() failed: the error goes into `slot` (kTeardown), said by
// the supervisor when it reaps the process; logged here when there is no
// slot (a CUT instance outside a run, in tests).
void ReportTeardownFailure(shm::Slot* slot, const std::string& error);

// The Context of process `process_index` of `load`, in this process.
Context MakeContext(const plan::LoadPlan& load, std::uint32_t process_index);

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_CUT_PHASE_H_
