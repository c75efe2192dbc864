#include "reader/reader.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "output/interval_spool.h"
#include "output/line_format.h"
#include "output/output_file.h"
#include "output/report_writer.h"
#include "output/run_summary.h"
#include "output/sink.h"
#include "output/threshold_summary.h"
#include "reader/process_list.h"
#include "stats/busy_sampler.h"
#include "stats/interval_json.h"
#include "stats/interval_series.h"
#include "util/clock.h"
#include "util/log.h"

namespace pylogen::reader {
namespace {

// Records taken from one ring before moving to the next: keeps the rings
// drained fairly and bounds the time between two looks at each.
constexpr std::uint64_t kBatch = 4096;
// Idle back-off: the reader sleeps this long when every ring was empty,
// doubling up to the maximum while nothing arrives.
constexpr std::int64_t kMinIdleNs = 50'000;
constexpr std::int64_t kMaxIdleNs = 1'000'000;

std::vector<std::string> LoadIds(const plan::RunPlan& plan) {
  std::vector<std::string> ids;
  for (const auto& load : plan.loads) ids.push_back(load.id);
  return ids;
}
std::vector<std::string> CutNames(const plan::RunPlan& plan) {
  std::vector<std::string> names;
  for (const auto& load : plan.loads) names.push_back(load.cut_name);
  return names;
}

class Reader {
 public:
  Reader(const plan::RunPlan& plan, const shm::Segment& segment, const ReaderFds& fds)
      : plan_(plan),
        segment_(segment),
        fds_(fds),
        lines_(fds.lines),
        writer_(plan.format),
        stats_(LoadIds(plan), CutNames(plan)),
        waited_longer_(plan.loads.size(), 0),
        busy_sampler_(segment.slot_count()),
        wall_offset_ns_(util::WallOffsetNanos()),
        series_(static_cast<std::int64_t>(plan.summary_s * 1e9), LoadIds(plan),
                [this](const stats::IntervalStats& interval) { Spool(interval); }),
        opened_loads_(std::count_if(plan.loads.begin(), plan.loads.end(),
                                    [](const plan::LoadPlan& l) { return l.opened.has_value(); })),
        targets_pending_(opened_loads_) {
    if (fds.report_path.empty()) return;  // no report: no time series
    if (auto spool = output::IntervalSpool::Create()) {
      spool_.emplace(std::move(*spool));
    } else {
      spool_error_ = spool.error();
    }
  }

  int Run() {
    writer_.Header(lines_.buffer());
    std::int64_t interval_ns = static_cast<std::int64_t>(plan_.summary_s * 1e9);
    std::int64_t next_tick = MonotonicNanos() + interval_ns;
    std::int64_t idle_ns = kMinIdleNs;
    while (true) {
      bool over = segment_.phase() == shm::Phase::kOver;  // read before draining
      std::int64_t pass_start = MonotonicNanos();
      std::uint64_t drained = DrainAll();
      if (spool_) series_.Advance(pass_start + wall_offset_ns_);  // every ring drained since then
      std::int64_t now = MonotonicNanos();
      if (now >= next_tick) {
        Tick(now, interval_ns);
        next_tick += interval_ns * std::max<std::int64_t>(1, (now - next_tick) / interval_ns + 1);
      }
      if (drained != 0) {
        idle_ns = kMinIdleNs;
        continue;
      }
      if (over) break;  // phase kOver was set before this empty pass: all drained
      lines_.Flush();
      StopIfLinesClosed();
      util::SleepNanos(idle_ns);
      idle_ns = std::min(idle_ns * 2, kMaxIdleNs);
    }
    lines_.Flush();
    return Finish();
  }

 private:
  std::uint64_t DrainAll() {
    const shm::SegmentHeader& header = segment_.header();
    std::uint32_t started = header.started.load(std::memory_order_relaxed);
    std::uint32_t ended = header.ended.load(std::memory_order_relaxed);
    context_.started = started;
    context_.ended = ended;
    context_.active = started - std::min(started, ended);
    SampleHighWaterMarks();
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < segment_.slot_count(); ++i) {
      total += segment_.Consumer(i).Drain(kBatch, [this, i](const stats::Record& r) { Consume(i, r); });
      lines_.FlushIfFull();
    }
    StopIfLinesClosed();
    return total;
  }

  void Consume(std::uint32_t slot, const stats::Record& record) {
    if (record.load >= plan_.loads.size()) return;  // cannot happen: records are published whole
    std::uint64_t count = stats_.Add(slot, record);
    if (spool_) series_.Add(record);
    // An operation's first record (a transaction's, or a lone request's)
    // that waited longer than it was served: the sign of too few calls in
    // flight. Branch-free, as this runs for every record.
    waited_longer_[record.load] += (record.wait_ns > record.service_ns) & !record.in_transaction();
    if (plan_.format == output::LineFormat::kNone) return;
    if (lines_.failed()) {  // nothing more is written: counted, not formatted
      lines_.Discard(1);
      return;
    }
    const plan::LoadPlan& load = plan_.loads[record.load];
    context_.global_count = count;
    context_.global_throughput = stats_.global_throughput();
    context_.load_id = load.id;
    context_.cut_name = load.cut_name;
    context_.length = record.length_index < load.lengths.size()
                          ? std::string_view(load.lengths[record.length_index])
                          : std::string_view("?");
    writer_.Line(record, context_, lines_.buffer());
  }

  // The event-line pipe was closed: the supervisor stops the run, once.
  void StopIfLinesClosed() {
    if (!lines_.closed() || stop_asked_) return;
    stop_asked_ = true;
    log::Info("{}: {}: asking the supervisor to stop the run", fds_.lines_name, lines_.error());
    kill(getppid(), kOutputClosedSignal);  // the parent: the supervisor (PR_SET_PDEATHSIG)
  }

  // Queue length, running and busy workers, once per pass over the rings.
  void SampleHighWaterMarks() {
    std::uint64_t queued = 0;
    std::uint32_t busy = 0;
    std::uint64_t in_flight = 0;
    for (std::uint32_t i = 0; i < segment_.slot_count(); ++i) {
      queued += segment_.Consumer(i).Available();
      const shm::Slot& slot = segment_.slot(i);
      std::uint32_t slot_in_flight = slot.busy.load(std::memory_order_relaxed);
      std::uint32_t slot_busy =
          busy_sampler_.Sample(i, slot_in_flight, slot.ops.load(std::memory_order_relaxed));
      if (slot.state.load(std::memory_order_relaxed) == shm::SlotState::kRunning) {
        busy += slot_busy;
        in_flight += slot_in_flight;
      }
    }
    std::int64_t now = MonotonicNanos() + wall_offset_ns_;
    stats_.OfferQueueLength(queued, now);
    stats_.OfferWorkers(context_.active, busy, now);
    stats_.OfferJobsQueueLength(JobsBacklog(), now);
    last_queued_ = queued;
    last_busy_ = busy;
    if (!spool_) return;
    stats::GaugeSample sample{context_.active, busy, in_flight, queued, 0, 0};
    if (opened_loads_ != 0) SampleOpened(sample);
    series_.Offer(now, sample);
  }

  // The opened loads' jobs-queue backlog and dropped events; a schedule's
  // start, once its generator was started, for the target rates.
  void SampleOpened(stats::GaugeSample& sample) {
    for (std::size_t i = 0; i < plan_.loads.size(); ++i) {
      const plan::LoadPlan& load = plan_.loads[i];
      if (!load.opened) continue;
      const shm::OpenedArea& area = segment_.opened(load.opened->area);
      sample.jobs_queue_fill += segment_.Jobs(load.opened->area).Backlog();
      sample.dropped_total += area.dropped.load(std::memory_order_relaxed);
      if (targets_pending_ == 0 || targeted_.contains(i)) continue;
      std::int64_t start = area.schedule_start_wall_ns.load(std::memory_order_acquire);
      if (start == 0) continue;
      series_.SetTarget(i, &load.opened->schedule, start);
      targeted_.insert(i);
      --targets_pending_;
    }
  }

  // A closed interval, to the spool (the report's `intervals`).
  void Spool(const stats::IntervalStats& interval) {
    if (!spool_) return;
    // Names a CUT made may hold any byte: replaced, the line stays valid JSON.
    spool_->Append(stats::IntervalToJson(interval).dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace));
  }

  // Events queued in the opened loads' jobs queues and not yet claimed by a
  // worker, over all opened loads (0 in the closed model).
  std::uint64_t JobsBacklog() const {
    std::uint64_t backlog = 0;
    for (const plan::LoadPlan& load : plan_.loads) {
      if (load.opened) backlog += segment_.Jobs(load.opened->area).Backlog();
    }
    return backlog;
  }

  // Closes a --summary interval; with -vv, a periodic summary on stderr.
  void Tick(std::int64_t now_mono, std::int64_t interval_ns) {
    stats_.Tick(now_mono + wall_offset_ns_, interval_ns / 1e9);
    log::Info("requests {} ({} errors), {:.1f}/s; queue {}; workers running {}, busy {}",
              stats_.requests(), stats_.request_errors(), stats_.global_throughput(), last_queued_,
              context_.active, last_busy_);
  }

  output::OpenedSummary Opened(const plan::LoadPlan& load) const {
    const plan::OpenedPlan& opened = *load.opened;
    const shm::OpenedArea& area = segment_.opened(opened.area);
    output::OpenedSummary o;
    o.load_id = load.id;
    o.schedule = opened.schedule_text;
    o.arrivals = opened.arrivals == schedule::ArrivalMode::kPoisson ? "poisson" : "uniform";
    o.burst = opened.burst;
    o.seed = opened.seed;
    o.scheduled = schedule::PlannedEvents(opened.schedule, opened.arrivals);
    o.due = area.scheduled.load(std::memory_order_acquire);
    o.emitted = area.emitted.load(std::memory_order_acquire);
    o.dropped = area.dropped.load(std::memory_order_acquire);
    o.served = OperationsOfLoad(load, segment_);
    std::uint32_t seconds = std::min<std::uint32_t>(area.emitted_seconds, shm::kEmittedSeconds);
    o.emitted_per_second.assign(area.emitted_per_second, area.emitted_per_second + seconds);
    o.generator_state = shm::SlotStateName(area.generator_state.load(std::memory_order_acquire));
    o.generator_signal = area.generator_signal;
    o.generator_cpu_s = area.generator_cpu_ns / 1e9;
    o.generator_run_s = area.generator_run_ns / 1e9;
    o.controller_target = area.controller_target.load(std::memory_order_relaxed);
    o.controller_target_max = area.controller_target_max.load(std::memory_order_relaxed);
    o.limit_checks = area.limit_checks.load(std::memory_order_relaxed);
    o.limit_since_wall_ns = area.limit_since_wall_ns.load(std::memory_order_relaxed);
    o.limit_wanted = area.limit_wanted_max.load(std::memory_order_relaxed);
    o.max_workers = opened.max_workers;
    o.event_driven = load.event_driven();
    o.concurrency = o.event_driven ? load.concurrency : 1;
    o.waited_longer_than_service = waited_longer_[&load - plan_.loads.data()];
    std::uint32_t size = area.lateness_size.load(std::memory_order_acquire);
    if (size != 0) {
      auto json = nlohmann::json::parse(std::string_view(area.lateness_json, size), nullptr, false);
      auto lateness = stats::Histogram::FromJson(json);
      if (lateness) {
        o.lateness = std::move(*lateness);
        o.lateness_known = true;
      }
    }
    return o;
  }

  output::RunSummary Summarize() const {
    output::RunSummary s;
    s.stats = &stats_;
    s.start_wall_ns = stats_.first_begin_ns();
    s.end_wall_ns = stats_.last_end_ns();
    s.duration_s = s.end_wall_ns > s.start_wall_ns ? (s.end_wall_ns - s.start_wall_ns) / 1e9 : 0;
    s.interrupted = segment_.header().stop_wall_ns.load(std::memory_order_relaxed) != 0;
    s.cores = std::max(1u, std::thread::hardware_concurrency());
    s.host = output::HostName();
    for (std::uint32_t i = 0; i < segment_.slot_count(); ++i) {
      s.ring_capacity = std::max(s.ring_capacity, segment_.ring_capacity(i));
    }
    s.shared_memory_bytes = segment_.size();
    s.ring_bytes = segment_.ring_bytes();
    s.ring_budget_bytes = plan_.ring_budget_bytes;
    ProcessList processes = ListProcesses(plan_, segment_);
    s.workers = std::move(processes.listed);
    for (const output::WorkerSummary& w : s.workers) {
      s.operations += w.operations;
      s.producer_wait_ns += w.wait_ns;
      s.producer_waits += w.waits;
    }
    s.unlisted_processes = processes.unlisted;
    s.operations += processes.unlisted_operations;
    s.unlisted_empty_operations = processes.unlisted_empty_operations;
    s.unlisted_callback_errors = processes.unlisted_callback_errors;
    s.producer_wait_ns += processes.unlisted_wait_ns;
    s.producer_waits += processes.unlisted_waits;
    const shm::SegmentHeader& header = segment_.header();
    s.fork_failures = header.fork_failures.load(std::memory_order_acquire);
    s.fork_error = std::string(header.fork_error, strnlen(header.fork_error, sizeof header.fork_error));
    for (const plan::LoadPlan& load : plan_.loads) {
      if (load.opened) s.opened.push_back(Opened(load));
    }
    s.thresholds = output::EvaluateThresholds(plan_.thresholds, s);
    s.warnings = plan_.warnings;
    if (!plan_.format_warning.empty()) s.warnings.push_back(plan_.format_warning);
    if (lines_.closed()) {
      s.warnings.push_back(fmt::format("the event-line output ({}) was closed by its reader: the run was "
                                       "stopped; {} event lines were not written",
                                       fds_.lines_name, lines_.lost_lines()));
    } else if (lines_.failed()) {
      s.warnings.push_back(LostLines());
    }
    if (!spool_error_.empty()) {
      s.warnings.push_back(fmt::format("no time series in the report: {}", spool_error_));
    } else if (spool_ && spool_->failed()) {
      s.warnings.push_back(
          fmt::format("{} intervals of the time series were lost: their spool file: {}",
                      spool_->lost(), spool_->error()));
    }
    output::AddDerivedWarnings(s);
    return s;
  }

  std::string LostLines() const {
    return fmt::format("{} event lines could not be written to {}: {}", lines_.lost_lines(), fds_.lines_name,
                       lines_.error());
  }

  // The summary (on stderr when stdout is a closed pipe), then the report.
  int Finish() {
    series_.Finish();
    output::RunSummary summary = Summarize();
    bool closed = lines_.closed();
    bool failed = lines_.failed() && !closed;
    if (failed) log::Error("{}", LostLines());
    std::string text = output::SummaryText(summary);
    int summary_fd = closed && fds_.summary == fds_.lines ? STDERR_FILENO : fds_.summary;
    output::FdSink out(summary_fd);
    out.Write(text);
    if (out.closed() && summary_fd != STDERR_FILENO) {
      closed = true;
      output::FdSink(STDERR_FILENO).Write(text);
    } else if (out.failed()) {
      log::Error("the summary could not be written: {}", out.error());
      failed = true;
    }
    if (!fds_.report_path.empty()) {
      // The names' histograms and the spooled intervals are written as the
      // report is, not held in its tree (output/report_writer.h).
      output::DeferredParts deferred;
      summary.intervals = deferred.Intervals(spool_ ? &*spool_ : nullptr);
      nlohmann::json json = output::SummaryJson(summary, &deferred);
      json["event_lines"] = {{"output", fds_.lines_name},
                             {"lost", lines_.lost_lines()},
                             {"error", lines_.error()},
                             {"closed", lines_.closed()}};
      if (fds_.report >= 0) {
        if (int error = deferred.Write(fds_.report, json); error != 0) {
          log::Error("--report: cannot write '{}': {}", fds_.report_path, std::strerror(error));
          failed = true;
        }
      } else if (auto written = output::WriteFileAtomically(
                     "--report", fds_.report_path, [&json, &deferred](int fd) { return deferred.Write(fd, json); });
                 !written) {
        log::Error("{}", written.error());
        failed = true;
      }
    }
    if (failed) return kExitOutputFailed;
    if (closed) return kExitOutputClosed;
    return thresholds::AllHeld(summary.thresholds) ? 0 : kExitThresholdsBroken;
  }

  const plan::RunPlan& plan_;
  const shm::Segment& segment_;
  ReaderFds fds_;
  output::FdSink lines_;
  output::LineWriter writer_;
  stats::Aggregator stats_;
  std::vector<std::uint64_t> waited_longer_;  // by Record::load
  stats::BusySampler busy_sampler_;
  output::LineContext context_;
  std::int64_t wall_offset_ns_;
  std::uint64_t last_queued_ = 0;
  std::uint32_t last_busy_ = 0;
  bool stop_asked_ = false;  // kOutputClosedSignal sent
  stats::IntervalSeries series_;
  std::optional<output::IntervalSpool> spool_;
  std::string spool_error_;  // it could not be made
  std::size_t opened_loads_;
  std::size_t targets_pending_;  // opened loads whose schedule start is not known yet
  std::set<std::size_t> targeted_;
};

}  // namespace

int RunReader(const plan::RunPlan& plan, const shm::Segment& segment, const ReaderFds& fds) {
  signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error, reported, not a death
  return Reader(plan, segment, fds).Run();
}

}  // namespace pylogen::reader
