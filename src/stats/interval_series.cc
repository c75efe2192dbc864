#include "stats/interval_series.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace pylogen::stats {
namespace {

// Intervals kept open: enough to cover the slack past the newest closed
// one, plus the current one.
std::size_t WindowFor(std::int64_t interval_ns) {
  std::int64_t covering = (kSlackNs + interval_ns - 1) / interval_ns;
  return static_cast<std::size_t>(std::clamp<std::int64_t>(covering + 2, 2, 64));
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void RecordInto(LatencySeries& s, const Record& r) {
  ++s.requests;
  if (r.rc != 0) {
    ++s.errors;
    return;
  }
  s.response.Record(r.response_ns());
  if (r.opened_model()) {
    s.opened = true;
    s.service.Record(r.service_ns);
    s.wait.Record(r.wait_ns);
  }
}

}  // namespace

void LatencySeries::Reset() {
  requests = 0;
  errors = 0;
  rate = 0;
  response.Reset();
  opened = false;
  service.Reset();
  wait.Reset();
  has_target = false;
  target_rate = 0;
}

void LatencySeries::Merge(const LatencySeries& other) {
  requests += other.requests;
  errors += other.errors;
  rate += other.rate;
  response.Merge(other.response);
  opened = opened || other.opened;
  service.Merge(other.service);
  wait.Merge(other.wait);
  has_target = has_target || other.has_target;
  target_rate += other.target_rate;
}

void IntervalStats::Reset() {
  late = 0;
  total.Reset();
  gauges = {};
  for (IdSeries& id : ids) id.series.Reset();
}

std::expected<void, std::string> MergeIntervals(IntervalStats& into, const IntervalStats& other) {
  if (into.start_ns != other.start_ns || into.end_ns != other.end_ns) {
    return std::unexpected(fmt::format("intervals [{}, {}) and [{}, {}) ns do not line up",
                                       into.start_ns, into.end_ns, other.start_ns, other.end_ns));
  }
  into.late += other.late;
  into.total.Merge(other.total);
  IntervalGauges& g = into.gauges;
  const IntervalGauges& o = other.gauges;
  g.workers_running += o.workers_running;
  g.workers_busy += o.workers_busy;
  g.in_flight += o.in_flight;
  g.queue_fill += o.queue_fill;
  g.jobs_queue_fill += o.jobs_queue_fill;
  g.dropped += o.dropped;
  for (const IdSeries& id : other.ids) {
    auto same = std::find_if(into.ids.begin(), into.ids.end(),
                             [&](const IdSeries& i) { return i.id == id.id; });
    if (same == into.ids.end()) {
      into.ids.push_back(id);
    } else {
      same->series.Merge(id.series);
    }
  }
  return {};
}

IntervalSeries::IntervalSeries(std::int64_t interval_ns, std::vector<std::string> ids, Sink sink)
    : interval_ns_(interval_ns),
      sink_(std::move(sink)),
      slots_(WindowFor(interval_ns)),
      targets_(ids.size()) {
  for (IntervalStats& slot : slots_) {
    for (const std::string& id : ids) slot.ids.push_back({id, {}});
  }
}

void IntervalSeries::SetTarget(std::size_t id, const schedule::Schedule* schedule,
                               std::int64_t start_wall_ns) {
  targets_[id] = {schedule, start_wall_ns};
}

std::int64_t IntervalSeries::IndexOf(std::int64_t wall_ns) const {
  return FloorDiv(wall_ns, interval_ns_);
}

void IntervalSeries::Start(std::int64_t k) {
  base_ = k;
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    std::int64_t ki = k + static_cast<std::int64_t>(i);
    IntervalStats& slot = slots_[static_cast<std::size_t>(ki) % slots_.size()];
    slot.start_ns = ki * interval_ns_;
    slot.end_ns = slot.start_ns + interval_ns_;
  }
}

IntervalStats& IntervalSeries::At(std::int64_t k) {
  if (base_ == kNone) Start(k);
  // Past the window (a clock jump, a long idle stretch): the oldest ones are
  // closed, one by one, so that the series has no gap.
  while (k - base_ >= static_cast<std::int64_t>(slots_.size())) CloseOldest(kNone);
  // Before anything closed, an earlier interval opens the window earlier
  // when the slots it needs (the newest ones) were never used.
  std::int64_t touched = std::max(last_record_k_, last_sample_k_);
  if (k < base_ && closed_ == 0 && touched - k < static_cast<std::int64_t>(slots_.size())) {
    for (std::int64_t ki = k; ki < base_; ++ki) {
      IntervalStats& slot = slots_[static_cast<std::size_t>(ki) % slots_.size()];
      slot.start_ns = ki * interval_ns_;
      slot.end_ns = slot.start_ns + interval_ns_;
    }
    base_ = k;
  }
  std::int64_t at = std::max(k, base_);
  return slots_[static_cast<std::size_t>(at) % slots_.size()];
}

void IntervalSeries::Add(const Record& record) {
  if (record.kind != RecordKind::kRequest) return;
  std::int64_t end = record.begin_ns + record.service_ns;
  if (first_begin_ns_ == kNone || record.begin_ns < first_begin_ns_)
    first_begin_ns_ = record.begin_ns;
  if (last_end_ns_ == kNone || end > last_end_ns_) last_end_ns_ = end;
  IntervalStats* interval = cached_;
  if (interval == nullptr || end < cached_lo_ || end >= cached_hi_) {
    std::int64_t k = IndexOf(end);
    // A record cannot end after the reader's last sample by more than the
    // window (clock skew): one that claims to is a wrong time, kept in the
    // newest open interval rather than closing every interval up to it.
    const auto window = static_cast<std::int64_t>(slots_.size());
    if (last_sample_k_ != kNone && k > last_sample_k_ + window - 1) k = last_sample_k_ + window - 1;
    interval = &At(k);
    if (k < base_) {  // its interval is closed: into the oldest open one
      ++interval->late;
      ++late_;
      last_record_k_ = std::max(last_record_k_, base_);
    } else {
      last_record_k_ = std::max(last_record_k_, k);
      cached_ = interval;
      cached_lo_ = interval->start_ns;
      cached_hi_ = interval->end_ns;
    }
  }
  // Into its id only: the total is their merge, made once as the interval
  // closes (one histogram record per record, not two).
  if (record.load < interval->ids.size()) {
    RecordInto(interval->ids[record.load].series, record);
  } else {
    RecordInto(interval->total, record);  // not one of the plan's loads: cannot happen
  }
}

void IntervalSeries::Offer(std::int64_t now_ns, const GaugeSample& sample) {
  std::int64_t k = IndexOf(now_ns);
  IntervalStats& interval = At(k);
  last_sample_k_ = std::max(last_sample_k_, k);
  IntervalGauges& g = interval.gauges;
  g.workers_running = std::max(g.workers_running, sample.workers_running);
  g.workers_busy = std::max(g.workers_busy, sample.workers_busy);
  g.in_flight = std::max(g.in_flight, sample.in_flight);
  g.queue_fill = std::max(g.queue_fill, sample.queue_fill);
  g.jobs_queue_fill = std::max(g.jobs_queue_fill, sample.jobs_queue_fill);
  if (sample.dropped_total > dropped_seen_) {
    g.dropped += sample.dropped_total - dropped_seen_;
    dropped_seen_ = sample.dropped_total;
  }
}

void IntervalSeries::Advance(std::int64_t now_ns) {
  if (base_ == kNone) return;
  while ((base_ + 1) * interval_ns_ + kSlackNs <= now_ns) CloseOldest(kNone);
}

void IntervalSeries::Finish() {
  if (base_ == kNone) return;
  std::int64_t last = last_record_k_ != kNone ? last_record_k_ : last_sample_k_;
  while (base_ <= last) CloseOldest(last_end_ns_);
  base_ = kNone;
  cached_ = nullptr;
}

void IntervalSeries::SetRatesAndTargets(IntervalStats& interval,
                                        std::int64_t covered_end_ns) const {
  std::int64_t lo =
      first_begin_ns_ == kNone ? interval.end_ns : std::max(interval.start_ns, first_begin_ns_);
  std::int64_t hi =
      covered_end_ns == kNone ? interval.end_ns : std::min(interval.end_ns, covered_end_ns);
  double seconds = hi > lo ? static_cast<double>(hi - lo) / 1e9 : 0;
  auto rate = [seconds](std::uint64_t n) {
    return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
  };
  interval.total.rate = rate(interval.total.requests);
  double middle_ns = static_cast<double>(interval.start_ns) + static_cast<double>(interval_ns_) / 2;
  for (std::size_t i = 0; i < interval.ids.size(); ++i) {
    LatencySeries& s = interval.ids[i].series;
    s.rate = rate(s.requests);
    const Target& target = targets_[i];
    if (target.schedule == nullptr) continue;
    s.has_target = true;
    s.target_rate =
        target.schedule->RateAt((middle_ns - static_cast<double>(target.start_wall_ns)) / 1e9);
    interval.total.has_target = true;
    interval.total.target_rate += s.target_rate;
  }
}

void IntervalSeries::CloseOldest(std::int64_t covered_end_ns) {
  IntervalStats& oldest = slots_[static_cast<std::size_t>(base_) % slots_.size()];
  // Before the ids' rates and targets are set: only counts and histograms add.
  for (const IdSeries& id : oldest.ids) oldest.total.Merge(id.series);
  SetRatesAndTargets(oldest, covered_end_ns);
  if (sink_) sink_(oldest);
  ++closed_;
  if (cached_ == &oldest) cached_ = nullptr;
  oldest.Reset();
  std::int64_t reused = base_ + static_cast<std::int64_t>(slots_.size());
  oldest.start_ns = reused * interval_ns_;
  oldest.end_ns = oldest.start_ns + interval_ns_;
  ++base_;
}

}  // namespace pylogen::stats
