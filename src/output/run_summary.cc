#include "output/run_summary.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "output/error_summary.h"
#include "output/report_writer.h"
#include "output/threshold_summary.h"
#include "util/iso_time.h"
#include "util/signal_name.h"

namespace pylogen::output {
namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9};
constexpr const char* kPercentileKeys[] = {"p50_ns", "p90_ns", "p99_ns", "p99_9_ns"};

std::string WallText(std::int64_t ns) {
  if (ns == 0) return "-";
  time_t seconds = static_cast<time_t>(ns / 1'000'000'000);
  tm local;
  localtime_r(&seconds, &local);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", local.tm_year + 1900,
                     local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                     (ns / 1'000'000) % 1000);
}


// "10:00:03.120": the local time of day, for a warning line.
std::string TimeOfDayText(std::int64_t ns) {
  time_t seconds = static_cast<time_t>(ns / 1'000'000'000);
  tm local;
  localtime_r(&seconds, &local);
  return fmt::format("{:02}:{:02}:{:02}.{:03}", local.tm_hour, local.tm_min, local.tm_sec,
                     (ns / 1'000'000) % 1000);
}

double Rate(std::uint64_t count, double seconds) { return seconds > 0 ? count / seconds : 0; }

// The request histograms of each load, merged: the per-id latency, in
// response time (wait + service) where the opened model measured a wait,
// service time otherwise (the closed model's response time).
std::map<std::uint16_t, stats::Histogram> MergedByLoad(const stats::Aggregator& agg) {
  std::map<std::uint16_t, stats::Histogram> merged;
  for (const stats::NameStats& name : agg.names()) {
    if (name.kind != stats::RecordKind::kRequest) continue;
    merged[name.load].Merge(name.response ? *name.response : name.service);
  }
  return merged;
}

// When each load was active: from its first record's begin to its last
// record's end, over its requests (its transactions when it made none). A
// load's rates are over this span: one that ran 25 s of a 105 s run at 25/s
// is 25/s, not 6/s.
struct Span {
  std::int64_t first_ns = 0, last_ns = 0;
  void Cover(const stats::NameStats& n) {
    if (n.count == 0) return;
    if (first_ns == 0 || n.first_begin_ns < first_ns) first_ns = n.first_begin_ns;
    last_ns = std::max(last_ns, n.last_end_ns);
  }
  double seconds() const { return last_ns > first_ns ? (last_ns - first_ns) / 1e9 : 0; }
};
std::map<std::uint16_t, Span> SpansByLoad(const stats::Aggregator& agg) {
  std::map<std::uint16_t, Span> requests, any;
  for (const stats::NameStats& name : agg.names()) {
    if (name.kind == stats::RecordKind::kRequest) requests[name.load].Cover(name);
    any[name.load].Cover(name);
  }
  for (const auto& [load, span] : any) requests.try_emplace(load, span);
  return requests;
}

struct IdTotals {
  std::uint64_t requests = 0, errors = 0, transactions = 0;
};
std::map<std::uint16_t, IdTotals> TotalsByLoad(const stats::Aggregator& agg) {
  std::map<std::uint16_t, IdTotals> totals;
  for (const stats::NameStats& name : agg.names()) {
    IdTotals& t = totals[name.load];
    if (name.kind == stats::RecordKind::kRequest) {
      t.requests += name.count;
      t.errors += name.errors;
    } else {
      t.transactions += name.count;
    }
  }
  return totals;
}

// A row of a latency table; the errors and rate cells stay blank where
// they mean nothing (a name's wait and response rows, the lateness row).
void AppendLatencyRow(fmt::memory_buffer& out, const std::string& label, std::uint64_t count,
                      std::optional<std::uint64_t> errors, std::optional<double> rate,
                      const stats::Histogram& h) {
  fmt::format_to(std::back_inserter(out), "  {:<44} {:>10} {:>7} {:>11}", label, count,
                 errors ? fmt::format("{}", *errors) : "",
                 rate ? fmt::format("{:.1f}", *rate) : "");
  if (h.count() == 0) {  // nothing timed (every request failed): no figure rather than 0ns
    for (int i = 0; i < 7; ++i) fmt::format_to(std::back_inserter(out), " {:>9}", "-");
    fmt::format_to(std::back_inserter(out), "\n");
    return;
  }
  fmt::format_to(std::back_inserter(out), " {:>9}", HumanDuration(h.min()));
  fmt::format_to(std::back_inserter(out), " {:>9}", HumanDuration(std::llround(h.mean())));
  for (double p : kPercentiles) {
    fmt::format_to(std::back_inserter(out), " {:>9}", HumanDuration(h.ValueAtPercentile(p)));
  }
  fmt::format_to(std::back_inserter(out), " {:>9}\n", HumanDuration(h.max()));
}

void AppendHeader(fmt::memory_buffer& out, const char* first) {
  fmt::format_to(std::back_inserter(out), "  {:<44} {:>10} {:>7} {:>11} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
                 first, "count", "errors", "rate/s", "min", "mean", "p50", "p90", "p99", "p99.9",
                 "max");
}

// With `deferred`, the histogram's JSON is a placeholder, written later.
nlohmann::json LatencyJson(const stats::Histogram& h, DeferredParts* deferred = nullptr) {
  nlohmann::json j = {{"count", h.count()},
                      {"min_ns", h.min()},
                      {"mean_ns", h.mean()},
                      {"max_ns", h.max()}};
  for (std::size_t i = 0; i < std::size(kPercentiles); ++i) {
    j[kPercentileKeys[i]] = h.ValueAtPercentile(kPercentiles[i]);
  }
  if (deferred != nullptr) {
    j["histogram"] = deferred->Histogram(h);
  } else {
    j["histogram"] = h.ToJson();
  }
  return j;
}

// A name's failed records: `failed` (their latency, as the others'),
// `errors_by` and `errors_other` (stats/error_breakdown.h).
void AddNameErrorsJson(nlohmann::json& j, const stats::NameStats& n, DeferredParts* deferred) {
  j["failed"] = LatencyJson(n.failed, deferred);
  j.update(n.errors_by.ToJson());
}

nlohmann::json HighWaterJson(const stats::HighWater& hw) {
  return {{"value", hw.value}, {"at", util::IsoText(hw.at_ns)}};
}

// The opened model's jobs-queue backlog mark (events the generators queued
// that no worker had taken yet), in the opened model only.
void AppendJobsQueueMark(fmt::memory_buffer& out, const RunSummary& s) {
  if (s.opened.empty()) return;
  const stats::HighWater& hw = s.stats->jobs_queue_length();
  fmt::format_to(std::back_inserter(out),
                 "  jobs queued        {:>12.0f} events   at {}   (jobs queue, to the workers)\n",
                 hw.value, WallText(hw.at_ns));
}

// Median over the steady intervals of global / (sum of locals x requests per op).
double LocalGlobalRatio(const RunSummary& s) {
  const auto& intervals = s.stats->intervals();
  if (intervals.size() < 4 || s.operations == 0) return 1;
  double per_op = static_cast<double>(s.stats->requests()) / s.operations;
  std::vector<double> ratios;
  for (std::size_t i = 1; i + 1 < intervals.size(); ++i) {
    const stats::Interval& iv = intervals[i];
    if (iv.requests_per_s > 0 && iv.sum_local_ops_per_s > 0) {
      ratios.push_back(iv.requests_per_s / (iv.sum_local_ops_per_s * per_op));
    }
  }
  if (ratios.size() < 2) return 1;
  std::nth_element(ratios.begin(), ratios.begin() + ratios.size() / 2, ratios.end());
  return ratios[ratios.size() / 2];
}

// Lateness above this at p99 means the schedule was not kept.
constexpr std::int64_t kLateP99Ns = 1'000'000;

// The limit reached: what it was, from when, and what to raise.
std::string LimitWarning(const OpenedSummary& o) {
  std::string limit =
      o.event_driven
          ? fmt::format("--maxworkers {} x --concurrency {} = {} calls in flight", o.max_workers,
                        o.concurrency, std::uint64_t{o.max_workers} * o.concurrency)
          : fmt::format("--maxworkers {} (a blocking CUT: one call in flight per worker)",
                        o.max_workers);
  return fmt::format(
      "{}: reached {} from {} (the controller wanted {} workers); {} events waited longer than "
      "their own service time: raise {}",
      o.load_id, limit, TimeOfDayText(o.limit_since_wall_ns), o.limit_wanted,
      o.waited_longer_than_service,
      o.event_driven ? "--maxworkers or --concurrency" : "--maxworkers (or use an event-driven CUT)");
}

void AddOpenedWarnings(const OpenedSummary& o, std::vector<std::string>& warnings) {
  // Dropped events are said by the headline (output/error_summary.h).
  if (o.generator_state != "ended") {
    warnings.push_back(fmt::format("{}: the generator {}{}", o.load_id, o.generator_state,
                                   o.generator_signal ? fmt::format(": killed by {}", util::SignalName(o.generator_signal)) : ""));
  }
  if (o.lateness_known && o.lateness.ValueAtPercentile(99) > kLateP99Ns) {
    warnings.push_back(fmt::format("{}: generator lateness p99 {}: events left later than scheduled",
                                   o.load_id, HumanDuration(o.lateness.ValueAtPercentile(99))));
  }
  if (o.served < o.emitted && o.generator_state == "ended") {
    warnings.push_back(fmt::format("{}: {} emitted events were not served", o.load_id, o.emitted - o.served));
  }
  if (o.limit_reached()) warnings.push_back(LimitWarning(o));
}

// "worker-0 was 97% busy (CPU) and its timers fired up to 2.10ms late (p99)"
std::string BottleneckText(const WorkerSummary& w) {
  bool busy = TooBusy(w.loop), late = TooLate(w.loop);
  std::string busy_text = fmt::format("was {:.0f}% busy (CPU)", 100 * w.loop.busy());
  std::string late_text =
      fmt::format("timers fired up to {} late (p99)", HumanDuration(w.loop.lag_p99_bound()));
  if (busy && late) return fmt::format("{} {} and its {}", w.name, busy_text, late_text);
  if (busy) return fmt::format("{} {}", w.name, busy_text);
  return fmt::format("{}'s {}", w.name, late_text);
}

// The CUTs' misuse of operations, one warning each with the totals over the
// listed processes: Complete() of operations not in flight, cancel() that threw.
void AddCutMisuseWarnings(const RunSummary& s, std::vector<std::string>& warnings) {
  std::uint64_t stray = 0, stray_processes = 0, cancels = 0, cancel_processes = 0;
  const std::string* first_cancel = nullptr;
  for (const WorkerSummary& w : s.workers) {
    if (!w.event_driven) continue;
    stray += w.loop.stray_completions;
    stray_processes += w.loop.stray_completions != 0;
    if (w.loop.cancel_errors != 0 && first_cancel == nullptr) first_cancel = &w.loop.cancel_error;
    cancels += w.loop.cancel_errors;
    cancel_processes += w.loop.cancel_errors != 0;
  }
  if (stray != 0) {
    warnings.push_back(fmt::format("{} Complete() call(s) of operations not in flight were ignored, "
                                   "in {} process(es) (see the report's workers)",
                                   stray, stray_processes));
  }
  if (cancels != 0) {
    warnings.push_back(fmt::format("{} cancel() call(s) threw, in {} process(es); the first: {}",
                                   cancels, cancel_processes, *first_cancel));
  }
}

// One warning for the processes whose own loop was the bottleneck (the
// first kBottleneckNamed named), and one per process whose callbacks threw.
void AddLoopWarnings(const RunSummary& s, std::vector<std::string>& warnings) {
  std::vector<std::string> named;
  std::size_t bottlenecks = 0;
  std::vector<std::string> thrown;
  std::size_t throwers = 0;
  for (const WorkerSummary& w : s.workers) {
    if (!w.event_driven) continue;
    if (TooBusy(w.loop) || TooLate(w.loop)) {
      if (++bottlenecks <= kBottleneckNamed) named.push_back(BottleneckText(w));
    }
    if (w.loop.callback_errors != 0 && ++throwers <= kBottleneckNamed) {
      thrown.push_back(fmt::format(
          "{} (pid {}) of {}: {} exception(s) escaped its event loop's callbacks, the first: {}",
          w.name, w.pid, w.load_id, w.loop.callback_errors, w.loop.callback_error));
    }
  }
  if (bottlenecks != 0) {
    std::string more = bottlenecks > named.size()
                           ? fmt::format(", and {} more", bottlenecks - named.size())
                           : "";
    warnings.push_back(fmt::format(
        "{}{}: pylogen itself inflated service times; spread the load over more processes "
        "(--process, --maxworkers) or lower --concurrency",
        fmt::join(named, ", "), more));
  }
  warnings.insert(warnings.end(), thrown.begin(), thrown.end());
  if (throwers > thrown.size()) {
    warnings.push_back(fmt::format("{} more processes had exceptions escape their event loop's "
                                   "callbacks (see the report's workers)",
                                   throwers - thrown.size()));
  }
  if (s.unlisted_callback_errors != 0) {
    warnings.push_back(fmt::format("{} exception(s) escaped the event loop callbacks of processes "
                                   "not listed",
                                   s.unlisted_callback_errors));
  }
  AddCutMisuseWarnings(s, warnings);
}

// "events: 25 scheduled, 7 due, 7 emitted, 0 dropped, 7 served": scheduled
// is the plan's, due how far the generator got.
void AppendOpenedEvents(fmt::memory_buffer& out, const OpenedSummary& o) {
  fmt::format_to(std::back_inserter(out),
                 "    events: {} scheduled{}, {} due, {} emitted, {} dropped, {} served\n",
                 o.scheduled, o.arrivals == "poisson" ? " (expected)" : "", o.due, o.emitted,
                 o.dropped, o.served);
}

void AppendOpenedText(fmt::memory_buffer& out, const OpenedSummary& o) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "  {}: schedule {} ({} arrivals, burst {}, seed {})\n", o.load_id, o.schedule,
                 o.arrivals, o.burst, o.seed);
  AppendOpenedEvents(out, o);
  double cpu = o.generator_run_s > 0 ? 100 * o.generator_cpu_s / o.generator_run_s : 0;
  fmt::format_to(it, "    generator: {}, cpu {:.3f} s ({:.1f} % of a core)\n", o.generator_state,
                 o.generator_cpu_s, cpu);
  std::string limit =
      fmt::format("--maxworkers {} x --concurrency {}", o.max_workers, o.concurrency);
  if (o.limit_reached()) {
    fmt::format_to(it, "    limit: reached ({}) at {} checks from {}, {} workers wanted at most\n",
                   limit, o.limit_checks, WallText(o.limit_since_wall_ns), o.limit_wanted);
  } else {
    fmt::format_to(it, "    limit: not reached ({})\n", limit);
  }
  fmt::format_to(it, "    events that waited longer than their own service time: {}\n",
                 o.waited_longer_than_service);
  if (o.lateness_known) {
    AppendHeader(out, "generator lateness");
    AppendLatencyRow(out, "lateness", o.lateness.count(), std::nullopt, std::nullopt, o.lateness);
  }
}

// Bytes in and out per name, a block of its own (the latency table is wide
// enough); only when some name counted bytes.
void AppendBytesText(fmt::memory_buffer& out, const stats::Aggregator& agg) {
  bool any = std::ranges::any_of(
      agg.names(), [](const stats::NameStats& n) { return n.bytes_in != 0 || n.bytes_out != 0; });
  if (!any) return;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "\nbytes per name:\n  {:<44} {:>12} {:>12}\n", "name", "in", "out");
  for (const stats::NameStats& n : agg.names()) {
    fmt::format_to(it, "  {:<44} {:>12} {:>12}\n", n.name, HumanBytes(n.bytes_in),
                   HumanBytes(n.bytes_out));
  }
}

nlohmann::json OpenedJson(const OpenedSummary& o) {
  nlohmann::json j = {{"id", o.load_id},
                      {"schedule", o.schedule},
                      {"arrivals", o.arrivals},
                      {"burst", o.burst},
                      {"seed", o.seed},
                      {"events", {{"scheduled", o.scheduled}, {"due", o.due}, {"emitted", o.emitted},
                                  {"dropped", o.dropped}, {"served", o.served}}},
                      {"emitted_per_second", o.emitted_per_second},
                      {"generator", {{"state", o.generator_state}, {"signal", o.generator_signal},
                                     {"cpu_s", o.generator_cpu_s}, {"run_s", o.generator_run_s}}},
                      {"controller", {{"target", o.controller_target},
                                      {"target_max", o.controller_target_max}}},
                      {"limit", {{"reached", o.limit_reached()},
                                 {"since", o.limit_reached() ? nlohmann::json(util::IsoText(o.limit_since_wall_ns))
                                                             : nlohmann::json(nullptr)},
                                 {"wanted_workers", o.limit_wanted},
                                 {"max_workers", o.max_workers},
                                 {"concurrency", o.concurrency},
                                 {"capped_checks", o.limit_checks},
                                 {"events_waited_longer_than_service", o.waited_longer_than_service}}}};
  if (o.lateness_known) j["lateness"] = LatencyJson(o.lateness);
  return j;
}

nlohmann::json LoopJson(const LoopSummary& l) {
  return {{"cpu_s", l.cpu_ns / 1e9},         {"run_s", l.run_ns / 1e9},
          {"busy", l.busy()},                {"lag_p99_ns", l.lag_p99_ns},
          {"lag_max_ns", l.lag_max_ns},      {"timers", l.timers},
          {"callback_errors", l.callback_errors}, {"callback_error", l.callback_error},
          {"stray_completions", l.stray_completions}, {"cancel_errors", l.cancel_errors},
          {"cancel_error", l.cancel_error}};
}

}  // namespace

bool TooBusy(const LoopSummary& loop) {
  return loop.run_ns >= kJudgedRunNs &&
         static_cast<double>(loop.cpu_ns) >= kBusyFraction * static_cast<double>(loop.run_ns);
}

bool TooLate(const LoopSummary& loop) {
  return loop.run_ns >= kJudgedRunNs && loop.lag_p99_ns / 2 >= kLagP99LimitNs;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string HumanDuration(std::int64_t ns) {
  double v = static_cast<double>(ns);
  double a = std::fabs(v);
  if (a < 1e3) return fmt::format("{}ns", ns);
  if (a < 1e6) return fmt::format("{:.2f}us", v / 1e3);
  if (a < 1e9) return fmt::format("{:.2f}ms", v / 1e6);
  return fmt::format("{:.3f}s", v / 1e9);
}

std::string HumanBytes(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.2f} {}", v, kUnits[unit]);
}

void AddDerivedWarnings(RunSummary& s) {
  const stats::Aggregator& agg = *s.stats;
  // Pylogen's rule is a queue above 4 x cores; here records wait in rings
  // drained in batches, so a few dozen waiting is a healthy pass: the reader
  // fell behind when the queue also held more than half the largest ring.
  double queue_hwm = agg.queue_length().value;
  double queue_limit = std::max(4.0 * s.cores, s.ring_capacity / 2.0);
  if (queue_hwm > queue_limit) {
    s.warnings.push_back(fmt::format(
        "stats queue high-water mark {:.0f} records > {:.0f} (4 x {} cores, and half a ring of {} "
        "records): the reader fell behind, global throughput biased (local throughputs are not)",
        queue_hwm, queue_limit, s.cores, s.ring_capacity));
  }
  // The ratio of two interval counts alone misleads: operations longer than
  // --summary make intervals of 0 and of 2 requests on a healthy run. It is
  // said only when the reader did fall behind: producers waited for room in
  // their ring, or the queue filled.
  bool reader_behind = s.producer_waits != 0 || queue_hwm > queue_limit;
  double ratio = reader_behind ? LocalGlobalRatio(s) : 1;
  if (ratio < 0.75 || ratio > 1.25) {
    s.warnings.push_back(fmt::format(
        "global throughput is {:.2f} x the sum of the local throughputs: global figures biased",
        ratio));
  }
  if (s.fork_failures != 0) {
    s.warnings.push_back(fmt::format(
        "{} fork(s) failed, the first: {}: no more processes of its load were started (see the "
        "machine's limits: ulimit -u, kernel.pid_max, the cgroup's pids.max)",
        s.fork_failures, s.fork_error));
  }
  std::uint64_t empty = s.unlisted_empty_operations;
  for (const WorkerSummary& w : s.workers) {
    empty += w.empty_operations;
    if (w.state == "crashed") {
      s.warnings.push_back(fmt::format("{} (pid {}) of {} crashed: killed by {}", w.name, w.pid,
                                       w.load_id, util::SignalName(w.signal)));
    } else if (w.state == "killed") {
      s.warnings.push_back(fmt::format("{} (pid {}) of {} was killed after the grace period",
                                       w.name, w.pid, w.load_id));
    } else if (w.state == "failed") {
      s.warnings.push_back(fmt::format("{} (pid {}) of {} failed (exit code {}){}{}", w.name, w.pid,
                                       w.load_id, w.exit_code, w.error.empty() ? "" : ": ",
                                       w.error));
    } else if (w.state == "ended" && !w.error.empty()) {  // its CUT's teardown() failed
      s.warnings.push_back(fmt::format("{} (pid {}) of {}: {}", w.name, w.pid, w.load_id, w.error));
    }
  }
  if (empty != 0) {
    s.warnings.push_back(fmt::format(
        "{} operations made no request: their func() must run its work through requests().exec()",
        empty));
  }
  if (agg.overflowed() != 0) {
    s.warnings.push_back(fmt::format("more than {} distinct names: {} records counted under "
                                     "'(other names)'",
                                     stats::kMaxNames, agg.overflowed()));
  }
  for (const OpenedSummary& o : s.opened) AddOpenedWarnings(o, s.warnings);
  AddLoopWarnings(s, s.warnings);
  if (s.interrupted) s.warnings.push_back("the run was interrupted: partial results");
  std::vector<std::string> headline = Headline(s);
  s.warnings.insert(s.warnings.begin(), headline.begin(), headline.end());
}

std::string SummaryText(const RunSummary& s) {
  const stats::Aggregator& agg = *s.stats;
  fmt::memory_buffer out;
  auto add = [&out]<class... Args>(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
  };
  add("\n== pylogen summary ==\n");
  const std::vector<std::string> headline = Headline(s);
  for (const std::string& line : headline) add("!! {}\n", line);
  add("run: {:.3f} s from {} to {}{}\n", s.duration_s, WallText(s.start_wall_ns),
      WallText(s.end_wall_ns), s.interrupted ? " (interrupted)" : "");
  add("requests: {} ({} errors), {:.1f}/s; transactions: {}; operations: {}\n", agg.requests(),
      agg.request_errors(), Rate(agg.requests(), s.duration_s), agg.transactions(), s.operations);
  add("{}", ThresholdsText(s.thresholds));
  add("\nper name (all processes of a load merged):\n");
  AppendHeader(out, "name");
  auto spans = SpansByLoad(agg);
  for (const stats::NameStats& n : agg.names()) {
    AppendLatencyRow(out, n.name, n.count, n.errors, Rate(n.count, spans[n.load].seconds()), n.service);
    if (n.wait) {
      // Their count is of the successful requests their latencies are of.
      AppendLatencyRow(out, "  wait", n.wait->count(), std::nullopt, std::nullopt, *n.wait);
      AppendLatencyRow(out, "  response", n.response->count(), std::nullopt, std::nullopt, *n.response);
    }
  }
  add("{}", ErrorsText(agg));
  AppendBytesText(out, agg);
  add("\nper id (requests; response time: wait + service in the opened model; rates over each "
      "id's own active span):\n");
  AppendHeader(out, "id");
  auto totals = TotalsByLoad(agg);
  for (const auto& [load, h] : MergedByLoad(agg)) {
    const IdTotals& t = totals[load];
    AppendLatencyRow(out, agg.load_id(load), t.requests, t.errors,
                     Rate(t.requests, spans[load].seconds()), h);
  }
  if (!s.opened.empty()) {
    add("\nopened model:\n");
    for (const OpenedSummary& o : s.opened) AppendOpenedText(out, o);
  }
  add("\nhigh-water marks:\n");
  add("  records queued     {:>12.0f} records  at {}   (stats rings, to the reader)\n",
      agg.queue_length().value, WallText(agg.queue_length().at_ns));
  AppendJobsQueueMark(out, s);
  add("  global throughput  {:>12.1f} req/s    at {}\n", agg.throughput().value, WallText(agg.throughput().at_ns));
  add("  running workers    {:>12.0f}          at {}\n", agg.running().value, WallText(agg.running().at_ns));
  add("  busy workers       {:>12.0f}          at {}\n", agg.busy().value, WallText(agg.busy().at_ns));
  add("\nworkers: {}; producers waited {:.3f} s in {} waits for room in the queue ({} records per "
      "worker at most)\n",
      s.workers.size() + s.unlisted_processes, s.producer_wait_ns / 1e9, s.producer_waits,
      s.ring_capacity);
  add("shared memory: {} bytes ({:.1f} MiB), of which rings {:.1f} MiB; ring budget {:.1f} MiB\n",
      s.shared_memory_bytes, s.shared_memory_bytes / 1048576.0, s.ring_bytes / 1048576.0,
      s.ring_budget_bytes / 1048576.0);
  if (s.fork_failures != 0) add("fork failures: {} (first: {})\n", s.fork_failures, s.fork_error);
  constexpr std::size_t kListed = 16;
  for (std::size_t i = 0; i < s.workers.size() && i < kListed; ++i) {
    const WorkerSummary& w = s.workers[i];
    add("  {:<12} {:<16} pid {:<8} {:<8} operations {}", w.name, w.load_id, w.pid, w.state, w.operations);
    if (w.event_driven) {
      add(", loop {:.0f}% busy, timers late up to {} (p99)", 100 * w.loop.busy(),
          HumanDuration(w.loop.lag_p99_bound()));
    }
    if (!w.origin.empty()) add(", from {}", w.origin);
    add("\n");
  }
  if (s.workers.size() > kListed) add("  ... {} more in the JSON report\n", s.workers.size() - kListed);
  if (s.unlisted_processes != 0) {
    add("  ... and {} ended processes not listed (counted in the totals)\n", s.unlisted_processes);
  }
  // The headline's lines open the report's warnings; said once here.
  std::vector<std::string> warnings;
  for (const std::string& w : s.warnings) {
    if (std::find(headline.begin(), headline.end(), w) == headline.end()) warnings.push_back(w);
  }
  if (!warnings.empty()) {
    add("\nwarnings:\n");
    for (const std::string& w : warnings) add("  - {}\n", w);
  }
  return fmt::to_string(out);
}

namespace {
// A name's own span, exact (ns since the epoch), so that a parsed report
// (src/report/) rebuilds its rates and merges its spans exactly.
void AddSpanJson(nlohmann::json& j, const stats::NameStats& n) {
  j["first_begin_ns"] = n.first_begin_ns;
  j["last_end_ns"] = n.last_end_ns;
}

// A merged report's worker: the report and the host it came from.
void AddOriginJson(nlohmann::json& j, const WorkerSummary& w) {
  if (!w.origin.empty()) j["origin"] = w.origin;
  if (!w.host.empty()) j["host"] = w.host;
}

nlohmann::json OpenedList(const RunSummary& s) {
  nlohmann::json list = nlohmann::json::array();
  for (const OpenedSummary& o : s.opened) list.push_back(OpenedJson(o));
  return list;
}
}  // namespace

nlohmann::json SummaryJson(const RunSummary& s, DeferredParts* deferred) {
  const stats::Aggregator& agg = *s.stats;
  nlohmann::json names = nlohmann::json::array();
  auto spans = SpansByLoad(agg);
  for (const stats::NameStats& n : agg.names()) {
    nlohmann::json j = {{"name", n.name},
                        {"id", agg.load_id(n.load)},
                        {"nature", n.kind == stats::RecordKind::kRequest ? "req" : "tra"},
                        {"count", n.count},
                        {"errors", n.errors},
                        {"rate", Rate(n.count, spans[n.load].seconds())},
                        {"bytes_in", n.bytes_in},
                        {"bytes_out", n.bytes_out},
                        {"service", LatencyJson(n.service, deferred)}};
    if (n.wait) {
      j["wait"] = LatencyJson(*n.wait, deferred);
      j["response"] = LatencyJson(*n.response, deferred);
    }
    AddSpanJson(j, n);
    AddNameErrorsJson(j, n, deferred);
    names.push_back(std::move(j));
  }
  nlohmann::json ids = nlohmann::json::array();
  auto totals = TotalsByLoad(agg);
  for (const auto& [load, h] : MergedByLoad(agg)) {
    const IdTotals& t = totals[load];
    const Span& span = spans[load];
    ids.push_back({{"id", agg.load_id(load)},
                   {"requests", t.requests},
                   {"errors", t.errors},
                   {"transactions", t.transactions},
                   {"start", util::IsoText(span.first_ns)},
                   {"end", util::IsoText(span.last_ns)},
                   {"active_s", span.seconds()},
                   {"rate", Rate(t.requests, span.seconds())},
                   {"latency", LatencyJson(h)}});
  }
  nlohmann::json workers = nlohmann::json::array();
  for (const WorkerSummary& w : s.workers) {
    nlohmann::json j = {{"name", w.name}, {"id", w.load_id}, {"pid", w.pid}, {"state", w.state},
                        {"signal", w.signal}, {"exit_code", w.exit_code}, {"error", w.error},
                        {"operations", w.operations}, {"empty_operations", w.empty_operations},
                        {"wait_ns", w.wait_ns}, {"waits", w.waits},
                        {"ring_capacity", w.ring_capacity}};
    if (w.event_driven) j["loop"] = LoopJson(w.loop);
    AddOriginJson(j, w);
    workers.push_back(std::move(j));
  }
  nlohmann::json intervals = nlohmann::json::array();
  for (const stats::Interval& iv : agg.intervals()) {
    intervals.push_back({{"end", util::IsoText(iv.end_ns)},
                         {"requests_per_s", iv.requests_per_s},
                         {"sum_local_ops_per_s", iv.sum_local_ops_per_s}});
  }
  return {{"schema", kReportSchema},
          {"host", s.host},
          {"intervals", s.intervals},
          {"start", util::IsoText(s.start_wall_ns)},
          {"end", util::IsoText(s.end_wall_ns)},
          {"duration_s", s.duration_s},
          {"interrupted", s.interrupted},
          {"requests", {{"count", agg.requests()}, {"errors", agg.request_errors()}, {"rate", Rate(agg.requests(), s.duration_s)}}},
          {"transactions", {{"count", agg.transactions()}}},
          {"operations", s.operations},
          {"names", std::move(names)},
          {"ids", std::move(ids)},
          {"high_water_marks",
           {{"queue_length", HighWaterJson(agg.queue_length())},
            {"jobs_queue_length", HighWaterJson(agg.jobs_queue_length())},
            {"throughput", HighWaterJson(agg.throughput())},
            {"running_workers", HighWaterJson(agg.running())},
            {"busy_workers", HighWaterJson(agg.busy())}}},
          {"producer_wait", {{"ns", s.producer_wait_ns}, {"count", s.producer_waits}, {"ring_capacity", s.ring_capacity}}},
          {"workers", std::move(workers)},
          {"unlisted_workers", s.unlisted_processes},
          {"shared_memory", {{"bytes", s.shared_memory_bytes}, {"ring_bytes", s.ring_bytes},
                             {"ring_budget_bytes", s.ring_budget_bytes}}},
          {"fork_failures", {{"count", s.fork_failures}, {"first_error", s.fork_error}}},
          {"opened", OpenedList(s)},
          {"throughput", std::move(intervals)},
          {"thresholds", ThresholdsJson(s.thresholds)},
          {"warnings", s.warnings}};
}

}  // namespace pylogen::output
