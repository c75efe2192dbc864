// Turns the validated command line into the run plan: resolves defaults,
// parses schedules and bursts, lays out the slots. Supervisor process, before
// anything is forked.
#ifndef PYLOGEN_CLI_BUILD_PLAN_H_
#define PYLOGEN_CLI_BUILD_PLAN_H_

#include <expected>
#include <string>
#include <vector>

#include "cli/options.h"
#include "plan/run_plan.h"

namespace pylogen::cli {

// A loaded CUT, as the plan refers to it.
struct CutRef {
  const CutDescriptor* cut;
  std::string name;
  std::string path;
};

// The warning of an --outformat that names no format (Pylogen's rule: the
// long format is used): it names the value and the formats, and, when the
// value looks like a file (Pylogen's --out is --outformat: `--out
// results.csv`), says that --output writes the lines to a file.
std::string UnknownFormatWarning(const std::string& value);

// Builds the plan of a run; cuts[i] is the loaded CUT of the i-th load of
// LoadsOf(options). Fails on a bad schedule or burst, naming it (and
// the scenario file's line). The warnings of options without effect with
// the CUT's kind (CutKindWarnings, cli/applicability.h) go to
// plan.warnings, prefixed FILE:LINE for a scenario's load.
std::expected<plan::RunPlan, std::string> BuildPlan(const RunOptions& options,
                                              const std::vector<CutRef>& cuts);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_BUILD_PLAN_H_
