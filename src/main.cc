// pylogen: wires the command line, the CUT loader, the run plan, the shared
// segment and the supervisor. Maps every error to its exit code.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/options.h"
#include "cut/loader.h"
#include "cli/build_plan.h"
#include "cli/file_roles.h"
#include "cli/report_options.h"
#include "output/output_file.h"
#include "plan/capacity.h"
#include "plan/run_plan.h"
#include "process/child.h"
#include "process/cut_stdout.h"
#include "process/machine_limits.h"
#include "report/command.h"
#include "supervisor/supervisor.h"
#include "shm/segment.h"
#include "util/excerpt.h"
#include "util/log.h"

namespace {

// Exit codes of a run (README: "Exit codes"). When several apply:
// 2 > 1 > 130 > 141 > 3 > 0 (supervisor::Outcome).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;        // the run itself failed (the reader died, an output write error)
constexpr int kExitUsage = 2;          // bad input, nothing was started
constexpr int kExitWorkerFault = 3;    // the run finished, but a worker crashed, failed or was killed
constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM
constexpr int kExitThresholds = 99;    // the run completed, but a --threshold was broken (as k6)
constexpr int kExitOutputClosed = 141;  // an output pipe was closed (128 + SIGPIPE): the run was stopped

int ExitCode(pylogen::supervisor::Outcome outcome) {
  using pylogen::supervisor::Outcome;
  switch (outcome) {
    case Outcome::kOk: return kExitOk;
    case Outcome::kFailure: return kExitFailure;
    case Outcome::kWorkerFault: return kExitWorkerFault;
    case Outcome::kInterrupted: return kExitInterrupted;
    case Outcome::kThresholdsBroken: return kExitThresholds;
    case Outcome::kOutputClosed: return kExitOutputClosed;
  }
  return kExitFailure;
}

// Writes one line; a write error (stderr on /dev/full, a closed pipe) is
// ignored, never thrown: the exit code still tells what happened.
void PrintLine(std::FILE* stream, const std::string& line) {
  std::fputs(line.c_str(), stream);
  std::fputc('\n', stream);
  std::fflush(stream);
}

// Bad input: one line on stderr, exit 2, nothing started.
int UsageError(const std::string& message) {
  PrintLine(stderr, "pylogen: error: " + message);
  return kExitUsage;
}

// "FILE:LINE: " for a scenario's i-th load, "" otherwise.
std::string WhereInScenario(const pylogen::cli::RunOptions& options, std::size_t i) {
  if (options.scenario.empty()) return "";
  return fmt::format("{}:{}: ", options.scenario_file, options.scenario[i].line);
}

// The segment the plan needs: a ring per slot, sized by the plan.
pylogen::shm::SegmentShape ShapeOf(const pylogen::plan::RunPlan& plan) {
  return {plan.RingCapacities(), plan.opened_count, plan.jobs_capacity,
          plan.opened_count != 0 ? pylogen::shm::kEndedProcesses : 0};
}

// Refuses a plan the machine cannot start (its text, else ""); a limit below
// what the plan may later use is a warning, said now and in the summary.
std::string Preflight(pylogen::plan::RunPlan& plan, const pylogen::shm::SegmentShape& shape) {
  auto needs = pylogen::plan::NeedsOf(plan, pylogen::shm::SegmentBytes(shape));
  auto verdict = pylogen::plan::CheckCapacity(needs, pylogen::process::ReadMachineLimits());
  for (const std::string& warning : verdict.warnings) {
    PrintLine(stderr, "pylogen: warning: " + warning);
    plan.warnings.push_back(warning);
  }
  return verdict.error;
}

}  // namespace

// A standard stream started closed (`pylogen ... >&-`) is opened on
// /dev/null: else the first pipe or file opened would take its number, and
// event lines or messages would go into it.
static void OpenClosedStandardStreams() {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    int null = open("/dev/null", O_RDWR);  // the lowest free number: fd itself
    if (null >= 0 && null != fd) close(null);
  }
}

int main(int argc, char** argv) {
  OpenClosedStandardStreams();
  pylogen::process::InitProcessTitle(argc, argv);
  // An inherited "ignore" of SIGCHLD would make the kernel reap the children
  // before the supervisor could see how they ended.
  for (int signo : {SIGCHLD, SIGINT, SIGTERM}) signal(signo, SIG_DFL);
  // `pylogen report show|merge`: reports of runs already made; nothing is
  // forked, and SIGINT stops it at once (until it writes --report).
  if (argc > 1 && std::string(argv[1]) == "report") {
    auto report = pylogen::cli::ParseReportCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (!report) {
      if (report.error().exit_code == 0) {
        std::fputs(report.error().text.c_str(), stdout);
        return 0;
      }
      return UsageError(report.error().text + " (see pylogen report --help)");
    }
    return pylogen::report::RunReportCommand(*report);
  }
  pylogen::process::BlockRunSignals();

  auto options = pylogen::cli::ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    if (options.error().exit_code == 0) {
      std::fputs(options.error().text.c_str(), stdout);
      return 0;
    }
    return UsageError(options.error().text + " (see pylogen --help)");
  }
  pylogen::log::SetLevel(options->verbosity);

  // The CUTs' files are found, then checked against the outputs, before any
  // of them is probed (the one fork before the run).
  auto loads = pylogen::cli::LoadsOf(*options);
  std::vector<std::filesystem::path> cut_files;
  for (std::size_t i = 0; i < loads.size(); ++i) {
    auto file = pylogen::cut::Find(loads[i].cut, pylogen::cut::DefaultSearchPaths());
    if (!file) return UsageError(WhereInScenario(*options, i) + file.error());
    cut_files.push_back(std::move(*file));
  }
  // Inputs first: a clash names the output that would have destroyed them.
  std::vector<pylogen::cli::FileRole> files{{"--file", options->scenario_file}};
  for (const auto& load : loads) files.push_back({"--defaults", load.defaults_file});
  for (const auto& file : cut_files) files.push_back({"the CUT", file.string()});
  files.push_back({"--output", options->output, true});
  files.push_back({"--report", options->report, true});
  if (auto clash = pylogen::cli::SameFileInTwoRoles(files)) return UsageError(*clash);

  // Every CUT is loaded (probed first) before anything is forked, once per
  // file however many loads use it; the handles stay open for the whole run.
  std::vector<pylogen::cut::LoadedCut> cuts;
  cuts.reserve(loads.size());  // refs point into it
  std::vector<pylogen::cli::CutRef> refs;
  for (std::size_t i = 0; i < loads.size(); ++i) {
    auto same = std::find_if(cuts.begin(), cuts.end(),
                             [&](const pylogen::cut::LoadedCut& c) { return c.path() == cut_files[i]; });
    if (same == cuts.end()) {
      // Its static constructors print on stderr, never before the event lines.
      std::expected<pylogen::cut::LoadedCut, std::string> cut = std::unexpected(std::string());
      pylogen::process::WithCutStdoutCaptured([&] { cut = pylogen::cut::LoadedCut::LoadFile(cut_files[i]); });
      if (!cut) return UsageError(WhereInScenario(*options, i) + cut.error());
      pylogen::log::Info("CUT {} loaded from {}", cut->name(), cut->path().string());
      cuts.push_back(std::move(*cut));
      same = cuts.end() - 1;
    }
    refs.push_back({&same->descriptor(), same->name(), same->path().string()});
  }

  auto built = pylogen::cli::BuildPlan(*options, refs);
  if (!built) return UsageError(built.error());
  pylogen::plan::RunPlan& plan = *built;
  // Options given without effect (the command line's, then those the CUT's
  // kind tells): said once every check of the input passed (bad input is
  // one error line alone), before the run; listed in the summary.
  plan.warnings.insert(plan.warnings.begin(), options->warnings.begin(), options->warnings.end());
  std::vector<std::string> inapplicable = plan.warnings;
  // An unknown --outformat: said as they are, at every verbosity.
  if (!plan.format_warning.empty()) inapplicable.push_back(plan.format_warning);

  pylogen::shm::SegmentShape shape = ShapeOf(plan);
  if (std::string refused = Preflight(plan, shape); !refused.empty()) return UsageError(refused);

  // Outputs are opened before anything is forked; a FIFO waits for its
  // reader, and a signal ends that wait (exit 130, nothing else created).
  // A report that is a regular file is only checked now: the reader
  // replaces it at the end (output_file.h).
  bool report_in_place = pylogen::output::WrittenInPlace(plan.report_path);
  auto outputs = pylogen::output::OpenOutputFiles(
      {{"--output", plan.output_path}, {"--report", report_in_place ? plan.report_path : ""}});
  if (!outputs) {
    if (!outputs.error().interrupted) return UsageError(outputs.error().text);
    PrintLine(stderr, "pylogen: error: " + outputs.error().text);
    return kExitInterrupted;
  }
  pylogen::supervisor::OutputFds fds;
  pylogen::util::UniqueFd report_in_place_fd;
  if ((*outputs)[0]) {
    fds.lines = (*outputs)[0].get();
    fds.lines_name = plan.output_path;
  }
  fds.report_path = plan.report_path;
  if ((*outputs)[1]) {
    fds.report = (*outputs)[1].get();
  } else if (!plan.report_path.empty()) {
    auto target = pylogen::output::CheckReplaceable("--report", plan.report_path);
    if (target) {
      fds.report_path = *target;
    } else if (std::filesystem::is_regular_file(plan.report_path)) {
      // A writable file in a directory that takes no new file (another
      // user's): written in place, as no rename can replace it.
      auto fd = pylogen::output::OpenOutputFile("--report", plan.report_path);
      if (!fd) return UsageError(fd.error().text);
      report_in_place_fd = std::move(*fd);
      fds.report = report_in_place_fd.get();
    } else {
      return UsageError(target.error().text);
    }
  }

  for (const std::string& warning : inapplicable) PrintLine(stderr, "pylogen: warning: " + warning);
  auto segment = pylogen::shm::Segment::Create(shape);
  if (!segment) {
    PrintLine(stderr, "pylogen: error: " + segment.error());
    return kExitFailure;
  }
  for (const pylogen::plan::LoadPlan& load : plan.loads) {
    pylogen::log::Info("{}: {} slot(s), rings of {} records", load.id, load.processes,
                       load.ring_capacity);
  }
  pylogen::log::Info("{} of shared memory (rings {}, ring budget {})",
                     pylogen::plan::HumanBytes(segment->size()),
                     pylogen::plan::HumanBytes(segment->ring_bytes()),
                     pylogen::plan::HumanBytes(plan.ring_budget_bytes));
  int code = ExitCode(pylogen::supervisor::Supervise(plan, *segment, fds));
  pylogen::process::CutStdoutToStderr();  // the CUTs' static destructors, after the summary
  return code;
}
