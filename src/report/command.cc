#include "report/command.h"

#include <unistd.h>

#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "cli/file_roles.h"
#include "output/output_file.h"
#include "output/run_summary.h"
#include "output/sink.h"
#include "output/threshold_summary.h"
#include "process/child.h"
#include "report/merge.h"
#include "thresholds/evaluate.h"

namespace pylogen::report {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitThresholds = 99;
constexpr int kExitOutputClosed = 141;

void Error(const std::string& text) {
  std::fputs(("pylogen: error: " + text + "\n").c_str(), stderr);
  std::fflush(stderr);
}

// Prints the text summary on stdout: 0, else the exit code of the failure.
int PrintSummary(const output::RunSummary& summary) {
  output::FdSink out(STDOUT_FILENO);
  out.Write(output::SummaryText(summary));
  if (out.closed()) return kExitOutputClosed;
  if (out.failed()) {
    Error(fmt::format("the summary could not be written to stdout: {}", out.error()));
    return kExitFailure;
  }
  return kExitOk;
}

// Writes `text` to `path` (checked by CheckOutput): through for a FIFO or a
// device, else atomically.
std::expected<void, std::string> WriteReport(const std::string& path, const std::string& text) {
  if (!output::WrittenInPlace(path)) return output::WriteFileAtomically("--report", path, text);
  auto fd = output::OpenOutputFile("--report", path);
  if (!fd) return std::unexpected(fd.error().text);
  output::FdSink sink(fd->get());
  sink.Write(text);
  if (sink.failed()) return std::unexpected(fmt::format("--report: cannot write '{}': {}", path, sink.error()));
  return {};
}

}  // namespace

nlohmann::json ReportJson(const Report& r) {
  nlohmann::json json = output::SummaryJson(r.summary);
  // SummaryJson writes the summary's own (none: it was not rebuilt from records).
  if (!r.intervals.empty()) json["intervals"] = r.intervals;
  if (!json.contains("event_lines") && !r.event_lines.is_null()) json["event_lines"] = r.event_lines;
  return json;
}

int RunReportCommand(const cli::ReportOptions& options) {
  std::string out_path = options.report;
  if (!out_path.empty()) {
    // An input is never the output: the merge would destroy it.
    std::vector<cli::FileRole> files;
    for (const std::string& file : options.files) files.push_back({"the report to merge", file});
    files.push_back({"--report", out_path, true});
    if (auto clash = cli::SameFileInTwoRoles(files)) {
      Error(*clash);
      return kExitUsage;
    }
    if (!output::WrittenInPlace(out_path)) {
      auto target = output::CheckReplaceable("--report", out_path);
      if (!target) {
        Error(target.error().text);
        return kExitUsage;
      }
      out_path = *target;
    }
  }
  std::vector<Report> inputs;
  for (const std::string& file : options.files) {
    auto r = ReadReport(file);
    if (!r) {
      Error(r.error());
      return kExitUsage;
    }
    inputs.push_back(std::move(*r));
  }
  if (options.action == cli::ReportOptions::Action::kShow) {
    // Options without effect: said once the input is known good.
    for (const std::string& warning : options.warnings) {
      std::fputs(("pylogen: warning: " + warning + "\n").c_str(), stderr);
    }
    std::fflush(stderr);
    return PrintSummary(inputs.front().summary);
  }

  auto merged = MergeReports(inputs);
  if (!merged) {
    Error(merged.error());
    return kExitUsage;
  }
  auto list = options.thresholds.empty() ? MergedThresholds(inputs) : options.thresholds;
  merged->summary.thresholds = output::EvaluateThresholds(list, merged->summary);
  int printed = PrintSummary(merged->summary);
  int code = thresholds::AllHeld(merged->summary.thresholds) ? kExitOk : kExitThresholds;
  if (!out_path.empty()) {
    nlohmann::json json = ReportJson(*merged);
    nlohmann::json from = nlohmann::json::array();
    for (const Report& r : inputs) from.push_back({{"origin", r.origin}, {"host", r.summary.host}});
    json["merged_from"] = std::move(from);
    std::string text = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    // No SIGINT between the temporary file and its rename.
    process::BlockRunSignals();
    if (auto written = WriteReport(out_path, text); !written) {
      Error(written.error());
      return kExitFailure;
    }
  }
  if (printed != kExitOk) return printed;
  return code;
}

}  // namespace pylogen::report
