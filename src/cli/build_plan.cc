#include "cli/build_plan.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "cli/applicability.h"
#include "output/line_format.h"
#include "plan/ring_sizing.h"
#include "util/excerpt.h"

namespace pylogen::cli {

using plan::LoadPlan;
using plan::OpenedPlan;
using plan::RunPlan;

namespace {

std::expected<OpenedPlan, std::string> BuildOpened(const LoadOptions& o) {
  auto schedule = schedule::ParseScheduleWithBurst(o.schedule, o.burst);
  if (!schedule) return std::unexpected(schedule.error());
  OpenedPlan opened{std::move(*schedule), o.schedule};
  opened.arrivals = o.arrivals == "poisson" ? schedule::ArrivalMode::kPoisson
                                            : schedule::ArrivalMode::kUniform;
  opened.seed = o.seed_given ? o.seed : std::random_device{}();
  opened.burst = o.burst;
  opened.prefork = o.prefork;
  opened.trigger = o.trigger;
  opened.controller_delay_s = o.controller_delay_s;
  opened.decrease = o.decrease;
  opened.min_workers = o.min_workers;
  opened.max_workers = o.max_workers;
  return opened;
}

}  // namespace

namespace {

std::expected<LoadPlan, std::string> BuildLoad(const LoadOptions& o, const CutRef& cut,
                                               RunPlan& plan) {
  LoadPlan load;
  load.id = o.id.empty() ? cut.name : o.id;
  load.cut_name = cut.name;
  load.cut_path = cut.path;
  load.cut = cut.cut;
  load.extra = o.extra;
  load.lengths = o.lengths;
  load.processes = o.processes;
  load.concurrency = o.concurrency;
  load.optimeout_ns = static_cast<std::int64_t>(o.optimeout_s * 1e9);
  if (load.concurrency > 1 && !load.event_driven()) {
    return std::unexpected(fmt::format(
        "--concurrency {}: {} is a blocking CUT (one call in flight per process); use --process "
        "for more calls in flight, or an event-driven CUT (see AsyncDummy)",
        o.concurrency, cut.name));
  }
  load.postpone_s = o.postpone_s;
  load.rampup_s = o.rampup_s;
  load.duration_s = o.duration_s;
  load.loops = o.loops;
  load.pauseloop_s = o.pauseloop_s;
  load.pauselen_s = o.pauselen_s;
  load.first_slot = plan.slot_count;
  if (o.opened) {
    auto opened = BuildOpened(o);
    if (!opened) return std::unexpected(opened.error());
    load.opened = std::move(*opened);
    load.processes = load.opened->max_workers;  // one slot per worker that may be alive
    load.opened->area = plan.opened_count++;
    plan.jobs_capacity = std::max(plan.jobs_capacity, o.jobs);
  }
  plan.slot_count += load.processes;
  return load;
}

// Two loads with one id would merge in the per-id summary: the later ones
// get a suffix.
void MakeIdsUnique(std::vector<LoadPlan>& loads) {
  auto taken = [&loads](const std::string& id, std::size_t before) {
    for (std::size_t j = 0; j < before; ++j) {
      if (loads[j].id == id) return true;
    }
    return false;
  };
  for (std::size_t i = 0; i < loads.size(); ++i) {
    if (!taken(loads[i].id, i)) continue;
    int n = 2;
    while (taken(fmt::format("{}-{}", loads[i].id, n), i)) ++n;
    loads[i].id = fmt::format("{}-{}", loads[i].id, n);
  }
}

}  // namespace

std::string UnknownFormatWarning(const std::string& value) {
  std::string text = fmt::format(
      "unknown --outformat '{}' (expected short, csv, long, json, jtl or none): event lines use the long format",
      util::Excerpt(value));
  if (value.find_first_of("./") != std::string::npos) {
    text += fmt::format("; to write them to a file, use --output {}", util::Excerpt(value));
  }
  return text;
}

std::expected<RunPlan, std::string> BuildPlan(const RunOptions& options,
                                              const std::vector<CutRef>& cuts) {
  RunPlan plan;
  std::vector<LoadOptions> loads = LoadsOf(options);
  for (std::size_t i = 0; i < loads.size(); ++i) {
    auto load = BuildLoad(loads[i], cuts.at(i), plan);
    if (!load) {
      if (options.scenario.empty()) return std::unexpected(load.error());
      return std::unexpected(
          fmt::format("{}:{}: {}", options.scenario_file, options.scenario[i].line, load.error()));
    }
    // Said by main before the run, and in the summary.
    std::string where = options.scenario.empty()
                            ? std::string()
                            : fmt::format("{}:{}: ", options.scenario_file, options.scenario[i].line);
    for (const std::string& warning : CutKindWarnings(loads[i], cuts[i].name, load->event_driven())) {
      plan.warnings.push_back(where + warning);
    }
    plan.loads.push_back(std::move(*load));
  }
  if (plan.loads.size() > 65535) return std::unexpected("at most 65535 loads in one run");
  MakeIdsUnique(plan.loads);
  plan::SizeRings(plan, options.queue);
  plan.summary_s = options.summary_s;
  bool fell_back = false;
  plan.format = output::ParseLineFormat(options.outformat, &fell_back);
  if (fell_back) plan.format_warning = UnknownFormatWarning(options.outformat);
  plan.output_path = options.output;
  plan.report_path = options.report;
  plan.grace_s = options.grace_s;
  plan.thresholds = options.thresholds;
  plan.verbosity = options.verbosity;
  return plan;
}

}  // namespace pylogen::cli
