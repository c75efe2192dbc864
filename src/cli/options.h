// The command line: what the user asked for, validated, before anything is
// loaded or forked. ParseCommandLine is the single source of truth for the
// option names (the CLI11 app it builds), including prefix expansion.
//
// Nothing is silently accepted (issue 10): every value is checked whatever
// the model (an opened-model option in a closed run too, then warned about);
// an empty value is bad input; a repeated option is checked at each
// occurrence and the last one wins; a defaults file's bad value names the
// file and the key; echoed input is cut (util::Excerpt).
#ifndef PYLOGEN_CLI_OPTIONS_H_
#define PYLOGEN_CLI_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "plan/defaults.h"
#include "thresholds/threshold.h"

namespace pylogen::cli {

// Deepest nesting of --extra (and of a defaults file's "extra"): deeper JSON
// is refused up front. Printing a JSON value back recurses once per level; a
// defaults file's "extra" of 100,000 levels used to overflow the stack.
inline constexpr std::size_t kMaxExtraDepth = 100;

// Most (load, length) pairs of a run: the sum over its loads of their
// --lengths values. Every pair is at least one name of the reader, which
// keeps one latency histogram per name (three in the opened model: service,
// wait, response). Histograms are compact (stats/histogram.h): a few
// hundred bytes empty, ~10 KiB for a few hundred events over many decades,
// 8 KiB per power of two used once busy; so the bound is the reader's own
// name cap, stats::kMaxNames (beyond which names share an overflow entry),
// and more is refused up front, naming the limit.
inline constexpr std::size_t kMaxLoadLengths = 4096;

// One load: a CUT and how to drive it (closed model, DESIGN §3).
struct LoadOptions {
  std::string cut;            // as given: cuts/Dummy, cuts.Dummy, path/X.so
  std::string id;             // --id; empty means the CUT's name
  std::uint32_t processes = plan::kDefaultProcesses;
  double postpone_s = 0;
  double rampup_s = 0;
  double duration_s = 0;      // > 0 wins over loops
  std::uint64_t loops = plan::kDefaultLoops;
  std::vector<std::string> lengths{"0"};
  double pauseloop_s = 0;
  double pauselen_s = 0;
  std::string extra = "{}";   // a JSON object
  std::string defaults_file;  // the defaults file its values came from, if any
  // The options given on its command line (as CLI11 names them: "--process"),
  // a defaults file's aside: those warned about when they have no effect
  // (cli/applicability.h).
  std::vector<std::string> given;
  // Operations in flight per process (event-driven CUTs; 1 for blocking ones).
  std::uint32_t concurrency = plan::kDefaultConcurrency;
  double optimeout_s = plan::kDefaultOptimeoutS;  // an event-driven operation open longer gets rc 17

  // Opened model (DESIGN §4).
  bool opened = false;
  std::string schedule = plan::kDefaultSchedule;
  std::uint32_t prefork = plan::kDefaultPrefork;
  std::uint32_t trigger = plan::kDefaultTrigger;
  double controller_delay_s = plan::kDefaultControllerDelayS;
  std::uint32_t decrease = plan::kDefaultDecrease;
  std::uint32_t min_workers = plan::kDefaultMinWorkers;
  std::uint32_t max_workers = plan::kDefaultMaxWorkers;
  std::string arrivals = plan::kDefaultArrivals;  // or "poisson"
  std::uint64_t seed = 0;
  bool seed_given = false;           // else a seed is drawn and reported
  std::string burst = plan::kDefaultBurst;
  std::uint64_t jobs = plan::kDefaultJobs;      // jobs queue capacity (events)
};

// One load line of a scenario file.
struct ScenarioLine {
  int line = 0;  // 1-based
  LoadOptions load;
};

struct RunOptions {
  LoadOptions load;                     // a CUT command line's load
  std::string scenario_file;            // `pylogen scenario --file F`
  std::vector<ScenarioLine> scenario;   // its loads, when it is a scenario
  double summary_s = plan::kDefaultSummaryS;
  std::string outformat = "short";
  std::string output;         // empty: stdout
  std::string report;         // empty: no JSON report
  int verbosity = 0;
  std::uint64_t queue = 0;    // records per worker ring; 0: automatic
  double grace_s = plan::kDefaultGraceS;
  std::vector<thresholds::Threshold> thresholds;  // --threshold, in the order given
  // Options given but without effect (an opened-model option in a closed
  // run), one line each without the "pylogen: warning: " prefix; main prints
  // them and the summary lists them.
  std::vector<std::string> warnings;
};

// Why parsing stopped: a usage error (exit 2) or a help/version request
// (exit 0, text to print on stdout).
struct ParseStop {
  int exit_code;
  std::string text;
};

// `args` without the program name: a CUT command line (CUT [options]) or
// a scenario (scenario --file F [run options]).
std::expected<RunOptions, ParseStop> ParseCommandLine(const std::vector<std::string>& args);

// Where a CUT command line comes from: the command line itself, or a line
// of a scenario file, which may not hold the options of the whole run
// (RefuseRunOptions, cli/scenario.h).
enum class LineOrigin { kCommandLine, kScenarioLine };

// One CUT command line. `inherited_defaults`: the defaults file to read when
// the line names none with --defaults (a scenario passes its own); else
// defaults.json in the current directory when it exists.
std::expected<RunOptions, ParseStop> ParseCutCommandLine(const std::vector<std::string>& args,
                                                         const std::string& inherited_defaults = "",
                                                         LineOrigin origin = LineOrigin::kCommandLine);

// The names of every option of a CUT command line, as CLI11 names them
// ("--process", "action"): for the test that every one is classified in
// cli/applicability.h.
std::vector<std::string> CutCommandLineOptionNames();

// The loads of a run: the scenario's lines, or the single CUT command line.
std::vector<LoadOptions> LoadsOf(const RunOptions& options);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_OPTIONS_H_
