// What the reader knows of the whole run: counts, per-name latency
// histograms, global throughput per --summary interval and the high-water
// marks (DESIGN §6).
//
// Reader process only; not thread-safe. Memory is bounded: one entry per
// distinct name (names are bounded by the plan's loads, lengths and the
// names the CUTs use), capped at kMaxNames, beyond which records go to one
// overflow entry per load.
#ifndef PYLOGEN_STATS_AGGREGATOR_H_
#define PYLOGEN_STATS_AGGREGATOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "stats/error_breakdown.h"
#include "stats/histogram.h"
#include "stats/record.h"

namespace pylogen::stats {

inline constexpr std::size_t kMaxNames = 4096;

// The figures of one name: ID.CUTNAME.LENGTHINDEX.MANAGER[.REQUEST], all
// processes of the load merged (the PID part of the full id is dropped).
struct NameStats {
  std::string name;
  std::uint16_t load = 0;
  RecordKind kind = RecordKind::kRequest;
  std::uint64_t count = 0;
  std::uint64_t errors = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  // Wall clock of its first record's begin and its last record's end: the
  // span over which its load was active (a load's rate is over its own
  // span, not the whole run's).
  std::int64_t first_begin_ns = 0;
  std::int64_t last_end_ns = 0;
  // The latencies of the successful records only (rc == 0): a failed
  // request (a refused connection in 22 us) is not latency. A transaction
  // record with rc != 0 is a failed transaction, the same rule.
  Histogram service;
  // Opened model only (allocated on the first record that has a wait).
  std::unique_ptr<Histogram> wait;
  std::unique_ptr<Histogram> response;
  // The failed records (rc != 0), timed apart: their response time (the
  // service time in the closed model). failed.count() == errors.
  Histogram failed;
  // The failed records by (rc, message), bounded (stats/error_breakdown.h).
  ErrorBreakdown errors_by;
};

// A high-water mark and the wall time it was reached.
struct HighWater {
  double value = 0;
  std::int64_t at_ns = 0;
  void Offer(double v, std::int64_t now_ns) {
    if (v > value) {
      value = v;
      at_ns = now_ns;
    }
  }
};

// One --summary interval of the global throughput.
struct Interval {
  std::int64_t end_ns;       // wall clock
  double requests_per_s;
  double sum_local_ops_per_s;  // sum of the runners' latest local throughputs
};

class Aggregator {
 public:
  // `load_ids` and `cut_names` index by Record::load.
  Aggregator(std::vector<std::string> load_ids, std::vector<std::string> cut_names);

  // Counts one record read from ring `slot`. Returns the global request
  // count after it (requests only, as Pylogen counts). A failed record
  // (rc != 0) goes to its name's `failed` and `errors_by`, never to its
  // latency histograms.
  std::uint64_t Add(std::uint32_t slot, const Record& record);

  // Closes a --summary interval at wall time `now_ns`: global throughput.
  void Tick(std::int64_t now_ns, double interval_s);
  // High-water marks sampled by the reader on each pass over the rings.
  // The stats rings: records published and not yet read.
  void OfferQueueLength(std::uint64_t length, std::int64_t now_ns) {
    queue_length_.Offer(static_cast<double>(length), now_ns);
  }
  // The opened model's jobs queues: events queued, not yet taken by a worker.
  void OfferJobsQueueLength(std::uint64_t length, std::int64_t now_ns) {
    jobs_queue_length_.Offer(static_cast<double>(length), now_ns);
  }
  void OfferWorkers(std::uint32_t running, std::uint32_t busy, std::int64_t now_ns) {
    running_.Offer(running, now_ns);
    busy_.Offer(busy, now_ns);
  }

  std::uint64_t requests() const { return requests_; }
  std::uint64_t request_errors() const { return request_errors_; }
  std::uint64_t transactions() const { return transactions_; }
  double global_throughput() const { return global_throughput_; }
  std::int64_t first_begin_ns() const { return first_begin_ns_; }
  std::int64_t last_end_ns() const { return last_end_ns_; }
  const std::deque<NameStats>& names() const { return names_; }
  const HighWater& queue_length() const { return queue_length_; }
  const HighWater& jobs_queue_length() const { return jobs_queue_length_; }
  const HighWater& throughput() const { return throughput_hwm_; }
  const HighWater& running() const { return running_; }
  const HighWater& busy() const { return busy_; }
  const std::vector<Interval>& intervals() const { return intervals_; }
  // Records whose name did not fit under kMaxNames.
  std::uint64_t overflowed() const { return overflowed_; }
  const std::string& load_id(std::uint16_t load) const { return load_ids_[load]; }

  // Restoring a parsed or merged report (src/report/), never during a run:
  // an aggregator built from names and marks instead of records. Add() must
  // not be called on a restored aggregator (its names are not indexed).
  // The index of load `load_id`, appended (with an empty CUT name) when new.
  std::uint16_t RestoreLoad(const std::string& load_id);
  // Appends a name (its `load` an index of RestoreLoad) and counts it in the
  // totals, as Add() would have its records: requests, errors, transactions
  // and the first begin / last end of the requests.
  NameStats& RestoreName(NameStats stats);
  void RestoreMarks(const HighWater& queue_length, const HighWater& throughput,
                    const HighWater& running, const HighWater& busy);
  void RestoreJobsQueueLength(const HighWater& mark) { jobs_queue_length_ = mark; }
  void RestoreIntervals(std::vector<Interval> intervals) { intervals_ = std::move(intervals); }
  std::size_t load_count() const { return load_ids_.size(); }

 private:
  struct Key {
    std::uint16_t load;
    std::uint16_t length_index;
    RecordKind kind;
    char manager[kNameCapacity];
    char request[kNameCapacity];
    bool operator==(const Key& other) const;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const;
  };
  static Key KeyOf(const Record& record);
  NameStats& Lookup(std::uint32_t slot, const Record& record);
  NameStats& Insert(const Key& key);
  // The cold path of Add(): a record with rc != 0.
  static void AddFailed(NameStats& stats, const Record& record);

  std::vector<std::string> load_ids_;
  std::vector<std::string> cut_names_;
  std::deque<NameStats> names_;  // stable addresses
  std::unordered_map<Key, NameStats*, KeyHash> index_;
  // Per ring, the entry of its last record: most records repeat the last name.
  struct CacheEntry {
    Key key;
    NameStats* stats = nullptr;
  };
  std::vector<CacheEntry> last_by_slot_;
  std::uint64_t requests_ = 0;
  std::uint64_t request_errors_ = 0;
  std::uint64_t transactions_ = 0;
  std::uint64_t overflowed_ = 0;
  std::uint64_t interval_requests_ = 0;
  double global_throughput_ = 0;
  std::int64_t first_begin_ns_ = 0;
  std::int64_t last_end_ns_ = 0;
  std::vector<float> local_by_slot_;
  HighWater queue_length_, throughput_hwm_, running_, busy_;
  HighWater jobs_queue_length_;
  std::vector<Interval> intervals_;
};

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_AGGREGATOR_H_
