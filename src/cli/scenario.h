// `pylogen scenario --file F [run options]` (DESIGN §5): a file of CUT
// command lines, one per line without the program name; `#` comments and
// blank lines skipped; every line a load of the run. Options on the scenario
// command line itself (--outformat, --output, --report, --summary, -v,
// --queue, --grace, --jobs, --defaults) apply to the whole run. A line that
// does not parse aborts with the file, the line number and the reason; so
// does a line that gives a run option (issue 12: they used to be dropped
// without a word), `-v` aside (the most verbose line wins).
// Supervisor process, before anything is loaded or forked.
#ifndef PYLOGEN_CLI_SCENARIO_H_
#define PYLOGEN_CLI_SCENARIO_H_

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"

namespace pylogen::cli {

// `args` starts with "scenario".
std::expected<RunOptions, ParseStop> ParseScenarioCommandLine(const std::vector<std::string>& args);

// What a scenario command line's unexpected words (`remaining`, CLI11's
// extras; `run_names` its long option names, without dashes) are said as:
// UnexpectedArguments' line, except for an option that is not near one of
// `run_names` but is (exact, an abbreviation or near) an option of a load,
// which belongs on a line of the scenario file:
//   "--process is an option of one load: give it on the load's line of the scenario file"
//   "--proc is --process, an option of one load: ..."
//   "unknown option '--procs'; did you mean --process? (an option of one load: ...)"
std::string ScenarioUnexpectedArguments(const std::vector<std::string>& remaining,
                                        const std::vector<std::string>& run_names);

// The names of every option of a scenario command line, as CLI11 names
// them ("--file"): for the test that every one is classified in
// cli/applicability.h.
std::vector<std::string> ScenarioCommandLineOptionNames();

// A load line longer than this is refused (echoed as an excerpt).
inline constexpr std::size_t kMaxScenarioLineBytes = 64 << 10;

// The long options that shape the whole run, not one load: refused on a
// scenario line. Also names kept for run options to come (--threshold,
// --html, --prometheus, --shard, --start-at), so that a scenario line never
// means one thing today and another once they exist.
bool IsRunOption(std::string_view long_name);  // "--output"

// The first word of `words` (a scenario line, prefixes expanded, before a
// `--` that ends the options) that gives a run option, as an error:
// "--output is a run option: give it on the pylogen scenario command line".
std::expected<void, std::string> RefuseRunOptions(const std::vector<std::string>& words);

// Parses the text of a scenario file named `file` (for messages). Each
// line's warnings go to `warnings` (when given) with their FILE:LINE.
std::expected<std::vector<ScenarioLine>, std::string> ParseScenarioText(
    const std::string& file, const std::string& text, const std::string& defaults,
    int* verbosity, std::vector<std::string>* warnings = nullptr);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_SCENARIO_H_
