// The catalogue of the messages a user can meet (issue 13, item 2): one row
// per distinct wording, with how to provoke it and the exact line expected,
// so that every wording is read and reviewed in one place. A row runs the
// real binary once; its line must be on stderr (the only line, for bad
// input: exit 2, nothing on stdout) or in the summary on stdout.
//
// Adding a row: copy one of its kind. In args and in the expected line,
// {dummy} is the sample CUT Dummy's path, {cut:NAME} a test CUT's
// (tests/cuts/NAME.cc, without the .so that pylogen's messages add), {dir}
// the row's own directory (its working directory, where its files are
// written). Signals are sent 1 s in, when a loaded machine has surely
// started the processes they aim at. In the expected line only, {n}
// stands for a number and {*} for any text (a pid, a count, a list of paths
// that depends on the machine); everything else is literal.
//
// Not here: the black-box table (tests/blackbox) runs hundreds of generated
// bad inputs against the bad-input contract; this is one row per wording.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

enum class Where {
  kOnlyStderrLine,  // bad input: stderr is this one line, stdout is empty
  kStderrLine,      // one of stderr's lines
  kSummaryLine,     // one of the summary's lines on stdout, leading blanks and "- " dropped
};

struct File {
  std::string name;     // in the row's directory
  std::string content;  // "<fifo>": a FIFO
};

struct Row {
  std::string label;
  std::vector<std::string> args;
  std::string line;  // the expected line
  int exit_code = 2;
  Where where = Where::kOnlyStderrLine;
  std::vector<File> files = {};
  std::vector<TimedSignal> signals = {};
  std::string stderr_path = {};  // non-empty: pylogen's stderr goes there
  uid_t uid = 0;                 // > 0 (and nproc): run as that user under RLIMIT_NPROC
  long nproc = 0;
  std::vector<std::string> first_run = {};  // non-empty: pylogen run first (exit 0), to make a report
};

// gtest shows a failing row by its label, not its bytes.
void PrintTo(const Row& row, std::ostream* os) { *os << row.label; }

constexpr char kFifo[] = "<fifo>";
// A user of its own, so that RLIMIT_NPROC counts only this row's tasks.
constexpr uid_t kLimitedUser = 61236;

// ---- The catalogue.

const std::vector<Row>& Catalogue() {
  static const std::vector<Row> rows = {
      // -- The command line: options.
      {"UnknownOptionSuggestsTheNearest", {"{dummy}", "--procs", "2"},
       "pylogen: error: unknown option '--procs'; did you mean --process? (see pylogen --help)"},
      {"UnknownOptionFarFromAny", {"{dummy}", "--matrix"},
       "pylogen: error: unknown option '--matrix' (see pylogen --help)"},
      {"AmbiguousPrefix", {"{dummy}", "--pa", "3"},
       "pylogen: error: ambiguous option --pa: could be --pauselen, --pauseloop, --pausestep (see "
       "pylogen --help)"},
      {"MissingValue", {"{dummy}", "--process"},
       "pylogen: error: --process: no value given (expected an integer) (see pylogen --help)"},
      {"EmptyValue", {"{dummy}", "--seed", ""},
       "pylogen: error: --seed: empty value (expected an integer) (see pylogen --help)"},
      {"StrayArgument", {"{dummy}", "extra_arg"},
       "pylogen: error: unexpected argument 'extra_arg': expected pylogen CUT [options] (see "
       "pylogen --help)"},
      {"BadCount", {"{dummy}", "--process", "x"},
       "pylogen: error: --process: 'x' is not a valid count (expected an integer from 1 to 100000) "
       "(see pylogen --help)"},
      {"BadDuration", {"{dummy}", "--duration", "x"},
       "pylogen: error: --duration: 'x' is not a duration (expected seconds like 30 or 0.5, or a "
       "number with a unit: 500ms, 250us, 30s, 2m, 1h, 1d, >= 0) (see pylogen --help)"},
      {"DurationBelowItsFloor", {"{dummy}", "--summary", "0"},
       "pylogen: error: --summary: 0s is below the floor of 1ms (see pylogen --help)"},
      {"QueueNotAPowerOfTwo", {"{dummy}", "--queue", "3"},
       "pylogen: error: --queue: 3 is not a power of two >= 2 (or 0 for automatic) (see pylogen "
       "--help)"},
      {"JobsNotAPowerOfTwo", {"{dummy}", "--openedmodel", "--jobs", "3"},
       "pylogen: error: --jobs: 3 is not a power of two (see pylogen --help)"},
      {"BadArrivals", {"{dummy}", "--openedmodel", "--arrivals", "foo"},
       "pylogen: error: --arrivals: 'foo' is not uniform or poisson (see pylogen --help)"},
      {"BadBurst", {"{dummy}", "--openedmodel", "--burst", "x"},
       "pylogen: error: --burst: 'x' is not a burst (expected 1 for none, 0 for random sizes up to "
       "the current rate, N for random sizes in 1..N, or fN for always N, with N an integer from 1 "
       "to 4294967295) (see pylogen --help)"},
      {"PreforkAboveMaxworkers", {"{dummy}", "--openedmodel", "--prefork", "5", "--maxworkers", "2"},
       "pylogen: error: --prefork 5 is above --maxworkers 2 (see pylogen --help)"},
      {"MinworkersAboveMaxworkers",
       {"{dummy}", "--openedmodel", "--minworkers", "5", "--maxworkers", "2"},
       "pylogen: error: --minworkers 5 is above --maxworkers 2 (see pylogen --help)"},
      {"EmptyId", {"{dummy}", "--id", ""},
       "pylogen: error: --id: empty value (expected a name for the load) (see pylogen --help)"},
      // -- Schedules.
      {"ScheduleWithoutAt", {"{dummy}", "--openedmodel", "--schedule", "x"},
       "pylogen: error: --schedule segment 1 'x': missing '@' (expected DURATION@RATE, like 30@10) "
       "(see pylogen --help)"},
      {"ScheduleEmptySegment", {"{dummy}", "--openedmodel", "--schedule", "1@1,"},
       "pylogen: error: --schedule segment 2 '': empty segment (expected DURATION@RATE, like "
       "30@10) (see pylogen --help)"},
      {"ScheduleZeroDuration", {"{dummy}", "--openedmodel", "--schedule", "0@1"},
       "pylogen: error: --schedule segment 1 '0@1': duration '0' must be > 0 (see pylogen --help)"},
      {"ScheduleNegativeRate", {"{dummy}", "--openedmodel", "--schedule", "1@-1"},
       "pylogen: error: --schedule segment 1 '1@-1': rate '-1' must be >= 0 (see pylogen --help)"},
      {"ScheduleUnknownShape", {"{dummy}", "--openedmodel", "--schedule", "1@foo(1)"},
       "pylogen: error: --schedule segment 1 '1@foo(1)': unknown shape 'foo' (expected sawtooth, "
       "triangle, staircase, invstaircase, bursts, sine or matrix) (see pylogen --help)"},
      {"ScheduleShapeArity", {"{dummy}", "--openedmodel", "--schedule", "1@sine(1)"},
       "pylogen: error: --schedule segment 1 '1@sine(1)': sine takes 3 arguments "
       "(MEAN,AMPLITUDE,PERIOD) (see pylogen --help)"},
      {"ScheduleMatrixFileMissing", {"{dummy}", "--openedmodel", "--schedule", "1@matrix(nope.txt)"},
       "pylogen: error: --schedule segment 1 '1@matrix(nope.txt)': cannot read matrix file "
       "'nope.txt': No such file or directory (see pylogen --help)"},
      // -- JSON and thresholds.
      {"ExtraNotJson", {"{dummy}", "--extra", "{"},
       "pylogen: error: --extra: '{' is not valid JSON: parse error at line 1, column 2: syntax "
       "error while parsing object key - unexpected end of input; expected string literal (see "
       "pylogen --help)"},
      {"ExtraNotAnObject", {"{dummy}", "--extra", "[1]"},
       "pylogen: error: --extra: expected a JSON object like '{\"sleep\":0}', got an array (see "
       "pylogen --help)"},
      {"ThresholdBadMetric", {"{dummy}", "--threshold", "x"},
       "pylogen: error: --threshold: 'x': at character 1 ('x'), expected a metric: pN (p99, "
       "p99.9), mean, min, max, count, errors, rate or dropped (see pylogen --help)"},
      {"ThresholdBadNumber", {"{dummy}", "--threshold", "p99<x"},
       "pylogen: error: --threshold: 'p99<x': at character 5 ('x'), expected a number (50, 0.5) "
       "(see pylogen --help)"},
      // -- Files.
      {"OutputInNoDirectory", {"{dummy}", "--output", "nodir/x.txt"},
       "pylogen: error: --output: cannot write 'nodir/x.txt': no directory 'nodir' (see pylogen "
       "--help)"},
      {"ReportInNoDirectory", {"{dummy}", "--report", "nodir/x.json"},
       "pylogen: error: --report: cannot write 'nodir/x.json': no directory 'nodir' (see pylogen "
       "--help)"},
      // -- The CUT.
      {"NoCut", {}, "pylogen: error: no CUT given: expected pylogen CUT [options], e.g. pylogen "
                    "cuts/Dummy --proc 4 (see pylogen --help)"},
      {"CutNotFound", {"NoSuchCut"}, "pylogen: error: CUT 'NoSuchCut' not found (tried {dir}/NoSuchCut, {*})"},
      {"NotACut", {"{cut:NotACut}"},
       "pylogen: error: {cut:NotACut}.so is not a pylogen CUT: it has no 'pylogen_cut_descriptor' "
       "symbol (a CUT registers its class with PYLOGEN_REGISTER_CUT)"},
      {"CutOfAnotherAbi", {"{cut:WrongAbi}"},
       "pylogen: error: {cut:WrongAbi}.so was built for pylogen CUT ABI version {n}, this pylogen uses "
       "version {n}: rebuild the CUT against this pylogen's SDK"},
      {"CutCrashingOnLoad", {"{cut:CrashOnLoad}"},
       "pylogen: error: {cut:CrashOnLoad}.so is not a loadable CUT: the loader died of SIGSEGV"},
      {"CutCrashingOnUnload", {"{cut:CrashOnUnload}"},
       "pylogen: error: {cut:CrashOnUnload}.so is not a loadable CUT: the loader died of SIGSEGV "
       "while unloading it (in a static destructor?)"},
      // -- Defaults files: the file and the key.
      {"DefaultsFileMissing", {"{dummy}", "--defaults", "nope.json"},
       "pylogen: error: --defaults: cannot read defaults file 'nope.json': No such file or "
       "directory (see pylogen --help)"},
      {"DefaultsNotJson", {"{dummy}", "--defaults", "d.json"},
       "pylogen: error: d.json: not valid JSON (syntax error at line 2, column 1) (see pylogen "
       "--help)",
       2, Where::kOnlyStderrLine, {{"d.json", "{\n"}}},
      {"DefaultsNotAnObject", {"{dummy}", "--defaults", "d.json"},
       "pylogen: error: d.json: expected a JSON object of option values (see pylogen --help)", 2,
       Where::kOnlyStderrLine, {{"d.json", "[1]"}}},
      {"DefaultsUnknownKey", {"{dummy}", "--defaults", "d.json"},
       "pylogen: error: d.json: unknown option \"procss\"; did you mean \"process\"? (see pylogen "
       "--help)",
       2, Where::kOnlyStderrLine, {{"d.json", R"({"procss": 2})"}}},
      {"DefaultsBadValue", {"{dummy}", "--defaults", "d.json"},
       "pylogen: error: d.json: \"process\": 'x' is not a valid count (expected an integer from 1 "
       "to 100000) (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"d.json", R"({"process": "x"})"}}},
      {"DefaultsFlagNotBoolean", {"{dummy}", "--defaults", "d.json"},
       "pylogen: error: d.json: option \"openedmodel\" expects true or false (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"d.json", R"({"openedmodel": 1})"}}},
      // -- Scenario files: file:line.
      {"ScenarioWithoutFile", {"scenario"},
       "pylogen: error: scenario: --file is required (see pylogen --help)"},
      {"ScenarioFileMissing", {"scenario", "--file", "nope.txt"},
       "pylogen: error: --file: cannot read scenario file 'nope.txt': No such file or directory "
       "(see pylogen --help)"},
      {"ScenarioBadLine", {"scenario", "--file", "s.txt"},
       "pylogen: error: s.txt:2: --process: 'x' is not a valid count (expected an integer from 1 "
       "to 100000) (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"s.txt", "{dummy} --process 1\n{dummy} --process x\n"}}},
      {"ScenarioUnknownOption", {"scenario", "--file", "s.txt", "--outfromat", "csv"},
       "pylogen: error: scenario: unknown option '--outfromat'; did you mean --outformat? (see "
       "pylogen --help)",
       2, Where::kOnlyStderrLine, {{"s.txt", "{dummy}\n"}}},
      {"ScenarioUnknownOptionNearALoadOption", {"scenario", "--file", "s.txt", "--procs", "3"},
       "pylogen: error: scenario: unknown option '--procs'; did you mean --process? (an option of "
       "one load: give it on the load's line of the scenario file) (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"s.txt", "{dummy}\n"}}},
      {"ScenarioGivenALoadOption", {"scenario", "--file", "s.txt", "--process", "3"},
       "pylogen: error: scenario: --process is an option of one load: give it on the load's line "
       "of the scenario file (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"s.txt", "{dummy}\n"}}},
      {"ScenarioGivenALoadOptionsAbbreviation", {"scenario", "--file", "s.txt", "--proc", "3"},
       "pylogen: error: scenario: --proc is --process, an option of one load: give it on the "
       "load's line of the scenario file (see pylogen --help)",
       2, Where::kOnlyStderrLine, {{"s.txt", "{dummy}\n"}}},
      // -- pylogen report.
      {"ReportWithoutSubcommand", {"report"},
       "pylogen: error: report: no subcommand given: expected pylogen report show A.json or "
       "pylogen report merge A.json B.json ... (see pylogen report --help)"},
      {"ReportUnknownSubcommand", {"report", "r.json"},
       "pylogen: error: report: unknown subcommand 'r.json': expected show or merge (see pylogen "
       "report --help)"},
      {"ReportShowWithoutFile", {"report", "show"},
       "pylogen: error: report show: 0 reports given: expected one, pylogen report show A.json "
       "(see pylogen report --help)"},
      {"ReportFileMissing", {"report", "show", "nope.json"},
       "pylogen: error: cannot read report 'nope.json': No such file or directory"},
      {"ReportNotJson", {"report", "show", "r.json"},
       "pylogen: error: r.json: not JSON (syntax error at line 2, column 1)", 2,
       Where::kOnlyStderrLine, {{"r.json", "{\n"}}},
      {"ReportNotAReport", {"report", "merge", "r.json"},
       "pylogen: error: r.json: not a pylogen report (no \"schema\")", 2, Where::kOnlyStderrLine,
       {{"r.json", "{}"}}},
      {"ReportShowGivenReport", {"report", "show", "r.json", "--report", "x.json"},
       "pylogen: warning: --report applies to report merge: ignored (report show prints the "
       "summary again, nothing else)",
       0, Where::kStderrLine, {}, {}, {}, 0, 0,
       {"{dummy}", "--loops", "1", "--extra", R"({"sleep":0})", "--outformat", "none", "--report", "r.json"}},
      {"ReportShowGivenThreshold", {"report", "show", "r.json", "--threshold", "p99<1"},
       "pylogen: warning: --threshold applies to report merge: ignored (report show prints the "
       "summary again, nothing else)",
       0, Where::kStderrLine, {}, {}, {}, 0, 0,
       {"{dummy}", "--loops", "1", "--extra", R"({"sleep":0})", "--outformat", "none", "--report", "r.json"}},
      // -- Machine limits (root only: a user of its own under RLIMIT_NPROC).
      {"ProcessesAboveTheMachinesLimit", {"{dummy}", "--process", "10", "--loops", "1"},
       "pylogen: error: --process 10: this run needs 21 more tasks at its start (10 runners with "
       "their stdout relays and the reader), but the machine allows 4 more (RLIMIT_NPROC (ulimit -u) 5 with 1 task of "
       "this user); lower --process, or use --concurrency with an event-driven CUT",
       2, Where::kOnlyStderrLine, {}, {}, {}, kLimitedUser, 5},

      // -- Warnings before the run (said at -v).
      {"OpenedOptionInAClosedRun", {"{dummy}", "--schedule", "5@1", "--loops", "1", "-v"},
       "pylogen: warning: --schedule applies to the opened model (--openedmodel): ignored", 0,
       Where::kStderrLine},
      // Options that do not apply (cli/applicability.h): one row per wording.
      {"ClosedOptionInAnOpenedRun",
       {"{dummy}", "--openedmodel", "--schedule", "0.2@5", "--prefork", "1", "--process", "4",
        "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --process applies to the closed model: ignored (the opened model's "
       "workers are set by --prefork, --minworkers and --maxworkers)",
       0, Where::kStderrLine},
      {"DurationInAnOpenedRun",
       {"{dummy}", "--openedmodel", "--schedule", "0.2@5", "--prefork", "1", "--duration", "3",
        "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --duration applies to the closed model: ignored (the opened model runs "
       "for its --schedule, 0.2 s)",
       0, Where::kStderrLine},
      {"PauseInAnOpenedRun",
       {"{dummy}", "--openedmodel", "--schedule", "0.2@5", "--prefork", "1", "--pauselen", "0",
        "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --pauselen applies to the closed model: ignored (the opened model's calls "
       "follow its --schedule)",
       0, Where::kStderrLine},
      {"LoopsBesideADuration",
       {"{dummy}", "--duration", "0.2", "--loops", "3", "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --loops is ignored: --duration 0.2 s is given and wins over --loops", 0,
       Where::kStderrLine},
      {"RampupWithOneRunner",
       {"{dummy}", "--rampup", "1", "--loops", "1", "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --rampup spaces the runners' starts: ignored with one runner (--process 1)",
       0, Where::kStderrLine},
      {"SeedWithNothingRandom",
       {"{dummy}", "--openedmodel", "--schedule", "0.2@5", "--prefork", "1", "--seed", "3",
        "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --seed is used by --arrivals poisson and random bursts (--burst 0 or N): "
       "ignored with uniform arrivals and --burst 1",
       0, Where::kStderrLine},
      {"PreforkBelowMinworkers",
       {"{dummy}", "--openedmodel", "--schedule", "0.2@5", "--prefork", "1", "--minworkers", "2",
        "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --prefork 1 is below --minworkers 2: 2 workers are started before the "
       "first event",
       0, Where::kStderrLine},
      {"OptimeoutWithABlockingCut",
       {"{dummy}", "--optimeout", "1", "--loops", "1", "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --optimeout applies to event-driven CUTs: ignored (Dummy is a blocking "
       "CUT, its calls are never timed out)",
       0, Where::kStderrLine},
      {"OutputWithOutformatNone",
       {"{dummy}", "--output", "o.txt", "--outformat", "none", "--loops", "1", "--extra", R"({"sleep":0})"},
       "pylogen: warning: --output o.txt is left empty: --outformat none writes no event line", 0,
       Where::kStderrLine},
      {"OptionWithoutEffect",
       {"{dummy}", "--generatorDelay", "1", "--loops", "1", "--extra", R"({"sleep":0})", "--outformat", "none"},
       "pylogen: warning: --generatorDelay has no effect (accepted for Pylogen compatibility): "
       "ignored",
       0, Where::kStderrLine},
      {"ScenarioJobsWithoutAnOpenedLoad",
       {"scenario", "--file", "s.txt", "--jobs", "4", "--outformat", "none"},
       "pylogen: warning: --jobs sizes the opened model's jobs queue: ignored (no load of the "
       "scenario is opened)",
       0, Where::kStderrLine, {{"s.txt", "{dummy} --loops 1 --extra '{\"sleep\":0}'\n"}}},
      {"ScenarioLineOptionThatDoesNotApply", {"scenario", "--file", "s.txt", "--outformat", "none"},
       "pylogen: warning: s.txt:1: --schedule applies to the opened model (--openedmodel): ignored",
       0, Where::kStderrLine,
       {{"s.txt", "{dummy} --loops 1 --schedule 5@1 --extra '{\"sleep\":0}'\n"}}},
      {"UnknownOutformat", {"{dummy}", "--outformat", "bogus", "--loops", "1"},
       "pylogen: warning: unknown --outformat 'bogus' (expected short, csv, long, json, jtl or "
       "none): event lines use the long format",
       0, Where::kStderrLine},
      {"OutformatThatLooksLikeAFile", {"{dummy}", "--outformat", "results.csv", "--loops", "1"},
       "pylogen: warning: unknown --outformat 'results.csv' (expected short, csv, long, json, jtl "
       "or none): event lines use the long format; to write them to a file, use --output "
       "results.csv",
       0, Where::kStderrLine},

      // -- The summary's headline and warnings.
      {"MostRequestsFailed",
       {"{dummy}", "--loops", "4", "--extra", R"({"sleep":0,"error":1})", "--outformat", "none"},
       "!! most requests failed: 4 of 4 (100.0%); top error: rc 1 \"Dummy error on call {n}\" (1); "
       "to fail CI on it: --threshold errors==0 (exit code 99)",
       0, Where::kSummaryLine},
      // One worker serving 50 ms events at 400/s into a jobs queue of 2.
      {"DroppedEvents",
       {"{dummy}", "--openedmodel", "--schedule", "0.5@400", "--prefork", "1", "--maxworkers", "1",
        "--jobs", "2", "--extra", R"({"sleep":0.05})", "--outformat", "none"},
       "!! Dummy: {n} of {n} events dropped ({n}.{n}%): the jobs queue was full (--jobs)",
       0, Where::kSummaryLine},

      // -- At run time: processes that end badly.
      {"WorkerCrashSaidAtOnce",
       {"{cut:Crash}", "--process", "1", "--duration", "0.3", "--extra", R"({"at":2})",
        "--outformat", "none", "-v"},
       "pylogen: warning: runner-0 crashed: killed by SIGSEGV", 3, Where::kStderrLine},
      {"WorkerCrashInTheSummary",
       {"{cut:Crash}", "--process", "1", "--duration", "0.3", "--extra", R"({"at":2})",
        "--outformat", "none"},
       "runner-0 (pid {n}) of Crash crashed: killed by SIGSEGV", 3, Where::kSummaryLine},
      {"WorkerKilledFromOutside",
       {"{dummy}", "--process", "1", "--duration", "2", "--extra", R"({"sleep":0.01})",
        "--outformat", "none"},
       "runner-0 (pid {n}) of Dummy crashed: killed by SIGKILL", 3, Where::kSummaryLine, {},
       {{1.0, SIGKILL, "runner-0"}}},
      {"GeneratorKilledSaidAtOnce",
       {"{dummy}", "--openedmodel", "--schedule", "3@10", "--prefork", "1", "--outformat", "none",
        "-v"},
       "pylogen: warning: Dummy: the generator crashed: killed by SIGKILL", 3, Where::kStderrLine,
       {}, {{1.0, SIGKILL, "generator-0"}}},
      {"GeneratorKilledInTheSummary",
       {"{dummy}", "--openedmodel", "--schedule", "3@10", "--prefork", "1", "--outformat", "none"},
       "Dummy: the generator crashed: killed by SIGKILL", 3, Where::kSummaryLine, {},
       {{1.0, SIGKILL, "generator-0"}}},
      {"SetupThrows", {"{cut:FailSetup}", "--process", "1", "--duration", "0.3"},
       "pylogen: error: runner-0 failed setup: FailSetup: setup failed: no key file for this test",
       3, Where::kStderrLine},
      {"UnknownExtraKeyOfASampleCut",
       {"{dummy}", "--loops", "1", "--extra", R"({"slep":1})", "--outformat", "none"},
       "pylogen: error: runner-0 failed setup: Dummy: setup failed: extra.slep: unknown key (did "
       "you mean sleep?); known keys: error, sleep, transaction",
       3, Where::kStderrLine},
      // -- A CUT's own stdout (process/cut_stdout.h): on stderr, prefixed.
      {"CutStdoutOnStderr", {"{cut:Chatty}", "--loops", "1", "--outformat", "none"},
       "runner-0: stdout: chatty setup printf pid={n}", 0, Where::kStderrLine},
      {"SetupThrowsInManyRunners", {"{cut:FailSetup}", "--process", "3", "--duration", "0.3"},
       "pylogen: error: 3 runners failed setup: FailSetup: setup failed: no key file for this test",
       3, Where::kStderrLine},
      {"TeardownThrows",
       {"{cut:Throw}", "--loops", "1", "--extra", R"({"teardown":true})", "--outformat", "none",
        "-v"},
       "pylogen: warning: runner-0 failed teardown: Throw: teardown failed: teardown broke", 0,
       Where::kStderrLine},
      {"BusyAfterTheGracePeriod",
       {"{cut:Hang}", "--process", "1", "--duration", "0.2", "--grace", "0.2", "--outformat",
        "none", "-v"},
       "pylogen: warning: runner-0 was still busy after the grace period: killed", 3,
       Where::kStderrLine},
      // -- Stops.
      {"SigtermStops",
       {"{dummy}", "--duration", "5", "--extra", R"({"sleep":0.01})", "--outformat", "none", "-v"},
       "pylogen: warning: SIGTERM: stopping; calls in flight have 10 s to finish", 130,
       Where::kStderrLine, {}, {{1.0, SIGTERM, ""}}},
      {"SigintStops",
       {"{dummy}", "--duration", "5", "--grace", "2", "--extra", R"({"sleep":0.01})",
        "--outformat", "none", "-v"},
       "pylogen: warning: SIGINT: stopping; calls in flight have 2 s to finish", 130,
       Where::kStderrLine, {}, {{1.0, SIGINT, ""}}},
      {"SecondSigintStopsAtOnce",
       {"{cut:Hang}", "--duration", "5", "--grace", "5", "--outformat", "none"},
       "pylogen: error: second SIGINT: stopping at once, without a summary", 130,
       Where::kStderrLine, {}, {{1.0, SIGINT, ""}, {1.5, SIGINT, ""}}},
      {"ReaderKilled",
       {"{dummy}", "--duration", "5", "--extra", R"({"sleep":0.01})", "--outformat", "none"},
       "pylogen: error: the reader ended before the run did (killed by SIGKILL): stopping", 1,
       Where::kStderrLine, {}, {{1.0, SIGKILL, "reader"}}},
      // -- Outputs that cannot be written.
      {"OutputFull", {"{dummy}", "--loops", "2", "--output", "/dev/full"},
       "reader: error: 2 event lines could not be written to /dev/full: No space left on device",
       1, Where::kStderrLine},
      {"ReportFull", {"{dummy}", "--loops", "2", "--outformat", "none", "--report", "/dev/full"},
       "reader: error: --report: cannot write '/dev/full': No space left on device", 1,
       Where::kStderrLine},
      {"OutputFifoNeverRead", {"{dummy}", "--loops", "2", "--output", "fifo"},
       "pylogen: error: interrupted while waiting for a reader on --output FIFO 'fifo'", 130,
       Where::kOnlyStderrLine, {{"fifo", kFifo}}, {{1.0, SIGTERM, ""}}},
  };
  return rows;
}

// ---- Running a row.

// Replaces every "{name}" of `text` the row knows; in a pattern (for the
// expected line) the rest is escaped and {n}, {*} become regex parts.
std::string Expand(const std::string& text, const std::string& dir, bool pattern) {
  static const std::regex kRegexSpecial(R"([.^$|()\[\]{}*+?\\])");
  std::string out;
  std::size_t i = 0;
  auto literal = [&](const std::string& s) {
    out += pattern ? std::regex_replace(s, kRegexSpecial, R"(\$&)") : s;
  };
  while (i < text.size()) {
    std::size_t open = text.find('{', i);
    std::size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) {
      literal(text.substr(i));
      break;
    }
    literal(text.substr(i, open - i));
    std::string name = text.substr(open + 1, close - open - 1);
    if (name.find_first_of("{ \"'") != std::string::npos) {  // JSON's brace, not a name
      literal("{");
      i = open + 1;
      continue;
    }
    if (name == "dummy") {
      literal(SampleCut("Dummy"));
    } else if (name.rfind("cut:", 0) == 0) {
      literal(TestCut(name.substr(4)));
    } else if (name == "dir") {
      literal(dir);
    } else if (pattern && name == "n") {
      out += "[0-9]+";
    } else if (pattern && name == "*") {
      out += ".*";
    } else {
      literal(text.substr(open, close - open + 1));  // JSON's braces, not a name
    }
    i = close + 1;
  }
  return out;
}

std::string Trimmed(const std::string& line) {
  std::size_t start = line.find_first_not_of(' ');
  if (start == std::string::npos) return "";
  std::string rest = line.substr(start);
  return rest.rfind("- ", 0) == 0 ? rest.substr(2) : rest;
}

bool AnyMatches(const std::vector<std::string>& lines, const std::regex& expected) {
  for (const std::string& line : lines) {
    if (std::regex_match(line, expected)) return true;
  }
  return false;
}

class Messages : public ::testing::TestWithParam<Row> {};

TEST_P(Messages, SaysExactly) {
  const Row& row = GetParam();
  std::string dir = TempPath("messages_" + row.label);
  std::filesystem::create_directories(dir);
  if (row.uid > 0) {
    if (geteuid() != 0) GTEST_SKIP() << "needs root, to run pylogen as a user of its own";
    std::string parent = std::filesystem::path(dir).parent_path();
    ASSERT_EQ(chmod(parent.c_str(), 0755), 0);
    ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
  }
  for (const File& f : row.files) {
    std::string path = dir + "/" + f.name;
    if (f.content == kFifo) {
      ASSERT_EQ(mkfifo(path.c_str(), 0600), 0) << path;
    } else {
      std::ofstream(path) << Expand(f.content, dir, false);
    }
  }
  if (!row.first_run.empty()) {
    RunSpec first;
    for (const std::string& a : row.first_run) first.args.push_back(Expand(a, dir, false));
    first.cwd = dir;
    first.timeout_s = 30;
    RunResult made = RunPylogen(first);
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  RunSpec spec;
  for (const std::string& a : row.args) spec.args.push_back(Expand(a, dir, false));
  spec.cwd = dir;
  spec.signals = row.signals;
  spec.stderr_path = row.stderr_path;
  spec.uid = row.uid;
  spec.nproc = row.nproc;
  spec.timeout_s = 30;
  RunResult r = RunPylogen(spec);
  std::regex expected(Expand(row.line, dir, true));
  std::string shown = "expected: " + Expand(row.line, dir, false) + "\nstderr:\n" + r.err;
  EXPECT_EQ(r.exit_code, row.exit_code) << shown;
  switch (row.where) {
    case Where::kOnlyStderrLine: {
      std::vector<std::string> lines = Lines(r.err);
      ASSERT_EQ(lines.size(), 1u) << shown;
      EXPECT_TRUE(std::regex_match(lines[0], expected)) << shown;
      EXPECT_EQ(r.out, "");
      break;
    }
    case Where::kStderrLine: EXPECT_TRUE(AnyMatches(Lines(r.err), expected)) << shown; break;
    case Where::kSummaryLine: {
      std::vector<std::string> lines = Lines(r.out);
      auto summary = std::find(lines.begin(), lines.end(), "== pylogen summary ==");
      ASSERT_NE(summary, lines.end()) << r.out;
      std::vector<std::string> trimmed;
      for (auto it = summary; it != lines.end(); ++it) trimmed.push_back(Trimmed(*it));
      EXPECT_TRUE(AnyMatches(trimmed, expected)) << "expected: " << row.line << "\nstdout:\n" << r.out;
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, Messages, ::testing::ValuesIn(Catalogue()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.label; });

// The catalogue is one row per wording: two rows expecting the same line
// would say one wording twice (and hide that a second one is untested).
TEST(MessagesCatalogue, EachRowHasItsOwnLabelAndLine) {
  const std::vector<Row>& rows = Catalogue();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = i + 1; j < rows.size(); ++j) {
      EXPECT_NE(rows[i].label, rows[j].label);
      EXPECT_NE(rows[i].line, rows[j].line) << rows[i].label << " and " << rows[j].label;
    }
  }
}

}  // namespace
}  // namespace pylogen::testing
