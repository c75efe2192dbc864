// The run's time series (issue 12, item 2): per --summary interval, overall
// and per id (load), the requests, errors, rate and response-time histogram
// (and, in the opened model, service and wait), plus gauges the reader
// samples (workers, calls in flight, queue fills, dropped events, target
// rate).
//
// Boundaries are wall-clock multiples of the interval length S since the
// Unix epoch, [k*S, (k+1)*S), so that runs on several machines line up. A
// request record belongs to the interval of its END (begin_ns + service_ns).
// Only request records count (RecordKind::kRequest), never transaction
// records. Histograms hold SUCCESSFUL requests only (rc == 0); failed ones
// are counted in `errors`.
//
// A window of open intervals is kept (enough to cover kSlackNs past the
// newest closed one, at least two). Advance(now) closes every interval whose
// end + kSlackNs is at or before `now` (the caller passes the wall time at
// which it had drained every ring: records are published when calls end, so
// an interval whose end is that far in the past is complete). A record older
// than every open interval goes into the oldest open one and is counted in
// its `late` (until the first interval closed, the window moves back
// instead, when it can, for records read slightly out of order at the start). Closed intervals go
// to the sink given at construction, then their slot is Reset (histograms keep their memory: no
// allocation per interval once warm) and reused for a later interval.
//
// Rate: requests divided by the part of [start, end) the run covered: from
// the run's first begin (as known when the interval closes) to the end, or,
// for the intervals closed by Finish(), to the run's last end.
//
// Target rate: for each opened id given a schedule (SetTarget), its rate at
// the interval's middle; the overall one is their sum; none (has_target
// false) in the closed model.
//
// Reader process only (pure: no clock, no I/O; unit-tested with fake
// times). Not thread-safe.
#ifndef PYLOGEN_STATS_INTERVAL_SERIES_H_
#define PYLOGEN_STATS_INTERVAL_SERIES_H_

#include <cstdint>
#include <expected>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "schedule/schedule.h"
#include "stats/histogram.h"
#include "stats/record.h"

namespace pylogen::stats {

// How far past an interval's end the reader must have drained every ring
// before the interval is closed.
inline constexpr std::int64_t kSlackNs = 1'000'000'000;

// One series of an interval: overall, or one id's.
struct LatencySeries {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  double rate = 0;      // requests/s, set when the interval closes
  Histogram response;   // successful requests (= service in the closed model)
  bool opened = false;  // it had opened-model records: service and wait are meaningful
  Histogram service;    // opened model only
  Histogram wait;
  bool has_target = false;
  double target_rate = 0;  // events/s of the schedule(s) at the interval's middle

  void Reset();
  // Counts, histograms and target rates summed; opened/has_target or-ed.
  void Merge(const LatencySeries& other);
};

// Gauges of an interval, as the reader samples them.
struct IntervalGauges {
  std::uint32_t workers_running = 0;  // max over the interval
  std::uint32_t workers_busy = 0;     // max
  std::uint64_t in_flight = 0;        // max of the sum of Slot::busy over running slots
  std::uint64_t queue_fill = 0;       // max of the records waiting in the rings
  std::uint64_t jobs_queue_fill = 0;  // max of the opened jobs queues' backlog (summed over loads)
  std::uint64_t dropped = 0;          // events dropped during the interval (a delta)
};

// What the reader reads at one pass: instantaneous values, and the
// cumulative count of dropped events (the series takes deltas).
struct GaugeSample {
  std::uint32_t workers_running = 0;
  std::uint32_t workers_busy = 0;
  std::uint64_t in_flight = 0;
  std::uint64_t queue_fill = 0;
  std::uint64_t jobs_queue_fill = 0;
  std::uint64_t dropped_total = 0;
};

struct IdSeries {
  std::string id;
  LatencySeries series;
};

struct IntervalStats {
  std::int64_t start_ns = 0;  // aligned: k * S
  std::int64_t end_ns = 0;    // (k + 1) * S
  std::uint64_t late = 0;     // records that arrived after their own interval closed
  LatencySeries total;  // all ids: their merge, made as the interval closes
  IntervalGauges gauges;
  std::vector<IdSeries> ids;  // the series' ids in load order (reports: as read)

  void Reset();
};

// Adds `other` (an interval of the same start from another machine or
// shard) into `into`: counts, rates, histograms, gauges (workers and calls
// in flight of two machines add) and target rates summed; ids matched by
// name, unknown ones appended. Errors when the starts or ends differ.
std::expected<void, std::string> MergeIntervals(IntervalStats& into, const IntervalStats& other);

class IntervalSeries {
 public:
  using Sink = std::function<void(const IntervalStats&)>;

  // `ids` index by Record::load. REQUIRES: interval_ns > 0.
  IntervalSeries(std::int64_t interval_ns, std::vector<std::string> ids, Sink sink);

  // An opened id's schedule, and the wall clock of its time 0, for the
  // target rate. `schedule` must outlive the series. REQUIRES: id < ids.
  void SetTarget(std::size_t id, const schedule::Schedule* schedule, std::int64_t start_wall_ns);

  // The reader's per-record path: a few compares and histogram adds.
  void Add(const Record& record);
  // A sample of the gauges at wall time now_ns.
  void Offer(std::int64_t now_ns, const GaugeSample& sample);
  // Closes the intervals complete at wall time now_ns (see above).
  void Advance(std::int64_t now_ns);
  // Closes every open interval up to the last one that got a record (or a
  // sample, when no record came); the last ones' rate is over the part
  // before the run's last end. The series is empty afterwards.
  void Finish();

  std::int64_t interval_ns() const { return interval_ns_; }
  std::size_t window() const { return slots_.size(); }
  std::uint64_t closed() const { return closed_; }
  std::uint64_t late() const { return late_; }

 private:
  static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();

  std::int64_t IndexOf(std::int64_t wall_ns) const;
  // The open interval of index k, opening the window on the first call and
  // closing the oldest ones when k is past the window.
  IntervalStats& At(std::int64_t k);
  void Start(std::int64_t k);
  void CloseOldest(std::int64_t covered_end_ns);
  void SetRatesAndTargets(IntervalStats& interval, std::int64_t covered_end_ns) const;

  struct Target {
    const schedule::Schedule* schedule = nullptr;
    std::int64_t start_wall_ns = 0;
  };

  std::int64_t interval_ns_;
  Sink sink_;
  std::vector<IntervalStats> slots_;  // slot of k: k % size
  std::vector<Target> targets_;       // by load
  std::int64_t base_ = kNone;         // oldest open interval's index
  std::int64_t last_record_k_ = kNone;
  std::int64_t last_sample_k_ = kNone;
  // The last record's interval, for the fast path.
  std::int64_t cached_lo_ = 0, cached_hi_ = 0;
  IntervalStats* cached_ = nullptr;
  std::int64_t first_begin_ns_ = kNone;
  std::int64_t last_end_ns_ = kNone;
  std::uint64_t dropped_seen_ = 0;
  std::uint64_t closed_ = 0;
  std::uint64_t late_ = 0;
};

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_INTERVAL_SERIES_H_
