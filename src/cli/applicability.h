// Options that do not apply (issue 13 item 3): which options each model
// uses, in one table, and the warnings of options given where they have no
// effect — an opened-model option in a closed run, a closed-model option in
// an opened one, --loops beside a --duration, --seed with nothing random,
// --optimeout with a blocking CUT, --output with --outformat none ... One
// line each, naming the option, why, and what happens instead; said once per
// option (a repeated option is one warning). Not errors: Pylogen's own
// samples carry some.
//
// Only options given on a command line are warned about: a defaults file's
// values are not (one file may serve both models). The verdicts read the
// values in force, wherever they came from (a defaults file's
// "openedmodel": true makes a command line's --process inapplicable).
// Pure functions of the parsed options; supervisor process, before anything
// is loaded (the CUT kind's warnings: once it is loaded, in BuildPlan).
#ifndef PYLOGEN_CLI_APPLICABILITY_H_
#define PYLOGEN_CLI_APPLICABILITY_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"

namespace CLI {
class App;
}  // namespace CLI

namespace pylogen::cli {

// Where an option has an effect, as the code of each model reads it
// (src/closed/, src/opened/, build_plan.cc).
enum class Scope {
  kEvery,   // every load and the run: --id, --lengths, --extra, --outformat ...
  kClosed,  // the closed model's runners only: --process, --duration, --loops ...
  kOpened,  // the opened model's generator, controller and workers only
  kNowhere, // accepted for Pylogen compatibility, without effect
};

struct OptionScope {
  std::string_view name;  // as CLI11 names it: "--process", "action", "-v"
  Scope scope;
};

// Every option of a CUT command line and of a scenario command line, in
// the order of `pylogen --help` (the order of the warnings).
std::span<const OptionScope> OptionScopes();

// The options of a parsed `app` given at least once, as CLI11 names them.
std::vector<std::string> GivenOptions(const CLI::App& app);

// The warnings of one CUT command line (`options.load.given` its options
// given), without the "pylogen: warning: " prefix, in the table's order:
//   --schedule applies to the opened model (--openedmodel): ignored
//   --duration applies to the closed model: ignored (the opened model runs for its --schedule, 12 s)
//   --loops is ignored: --duration 10 s is given and wins over --loops
//   --output o.txt is left empty: --outformat none writes no event line
std::vector<std::string> LoadWarnings(const RunOptions& options);

// The warnings of the run options of a scenario command line (`given`):
// --jobs with no opened load, --output with --outformat none.
std::vector<std::string> ScenarioRunWarnings(const RunOptions& options,
                                             const std::vector<std::string>& given);

// The warnings that need the CUT's kind, known once it is loaded:
//   --optimeout applies to event-driven CUTs: ignored (Dummy is a blocking CUT, its calls are never timed out)
std::vector<std::string> CutKindWarnings(const LoadOptions& load, std::string_view cut_name,
                                         bool event_driven);

// `pylogen report show A.json` given an option of report merge (--report,
// --threshold, or a prefix of one, before a `--`): removed from `words` with
// its value, one warning each:
//   --report applies to report merge: ignored (report show prints the summary again, nothing else)
std::vector<std::string> DropMergeOnlyOptions(std::vector<std::string>& words);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_APPLICABILITY_H_
