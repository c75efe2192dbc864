// Histogram: the latency histogram of the stats reader.
//
// A log-linear histogram of non-negative nanosecond values, laid out like
// HdrHistogram with 3 significant digits: 2048 sub-buckets cover [0, 2048)
// exactly, then every power of two [2^k, 2^(k+1)) is cut into 1024 equal
// sub-buckets, so a value and the highest value of its bucket differ by less
// than 1/1024 (< 0.1%). The range is [0, 2^44) ns (~4.9 h) in 35840 counters
// (280 KiB), allocated once by the constructor: memory is bounded whatever is
// recorded, and Record() never allocates.
//
// Out-of-range values are clamped, not dropped, so that count() stays the
// number of events: a negative value is recorded as 0 and a value >= 2^44 as
// kHighestTrackable (counted in overflow()). min(), max() and mean() are exact
// over the values as clamped.
//
// Ownership and process: the reader process only. Workers never touch it (it
// holds a std::vector, so it cannot live in shared memory); they push stat
// records and the reader records them, one histogram per series, merging
// interval histograms into run totals with Merge().
// Threading: thread-compatible, not thread-safe.
#ifndef PYLOGEN_STATS_HISTOGRAM_H_
#define PYLOGEN_STATS_HISTOGRAM_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <limits>
#include <nlohmann/json_fwd.hpp>  // callers of ToJson/FromJson include json.hpp
#include <string>
#include <vector>

namespace pylogen::stats {

class Histogram {
 public:
  // Bucket layout. Part of the serialized format: changing any of these
  // requires a new JSON version.
  static constexpr int kSubBucketBits = 11;  // 2048 sub-buckets: 3 digits
  static constexpr int kSubBucketHalfBits = kSubBucketBits - 1;
  static constexpr std::uint64_t kSubBucketMask = (1u << kSubBucketBits) - 1;
  static constexpr int kRangeBits = 44;
  static constexpr std::int64_t kHighestTrackable =
      (std::int64_t{1} << kRangeBits) - 1;
  static constexpr int kBucketCount = kRangeBits - kSubBucketBits + 1;  // 34
  static constexpr std::size_t kCountsLength = std::size_t{kBucketCount + 1}
                                               << kSubBucketHalfBits;  // 35840
  static constexpr int kJsonVersion = 1;

  Histogram();

  // Copyable (the reader snapshots intervals) and movable.
  Histogram(const Histogram&) = default;
  Histogram& operator=(const Histogram&) = default;
  Histogram(Histogram&&) = default;
  Histogram& operator=(Histogram&&) = default;

  // The reader's per-record hot path: a clamp, a bit scan and a few adds.
  void Record(std::int64_t value_ns);
  // Records `count` occurrences of value_ns; count == 0 is a no-op.
  void RecordN(std::int64_t value_ns, std::uint64_t count);
  // Adds other's events to this one. Exact: both share the same layout.
  void Merge(const Histogram& other);
  // Back to the empty state, keeping the allocation.
  void Reset();

  std::uint64_t count() const { return count_; }
  std::uint64_t overflow() const { return overflow_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return max_; }
  double mean() const;  // 0 when empty

  // The highest value equivalent to the bucket holding the
  // ceil(p/100 * count())-th smallest value, clamped to [min(), max()]:
  // within 0.1% above the exact percentile, ValueAtPercentile(0) == min(),
  // ValueAtPercentile(100) == max(). p outside [0, 100] is clamped (NaN
  // counts as 0). 0 when empty. Cost: a scan of the counters between min()
  // and max(), ~3 us for latencies spanning three decades.
  std::int64_t ValueAtPercentile(double p) const;

  // Lossless, sparse: {"version":1,"count":..,"min":..,"max":..,
  // "sum":"<decimal>","overflow":..,"buckets":[[index,count],...]} with only
  // the non-zero buckets, in increasing index order. sum is a string because
  // it may exceed 2^64 and JSON readers often parse numbers as doubles.
  nlohmann::json ToJson() const;
  // Inverse of ToJson. Validates everything, including the consistency of
  // the fields with each other; the error text names the faulty field.
  static std::expected<Histogram, std::string> FromJson(
      const nlohmann::json& json);

  bool operator==(const Histogram&) const = default;

  // The bucket layout, exposed for tests and for readers of the JSON.
  // REQUIRES: 0 <= value <= kHighestTrackable.
  static std::size_t IndexOf(std::int64_t value);
  // REQUIRES: index < kCountsLength.
  static std::int64_t LowestEquivalent(std::size_t index);
  static std::int64_t HighestEquivalent(std::size_t index);

 private:
  // unsigned __int128 keeps the sum exact whatever is recorded: 2^64 events
  // of at most 2^44 stay below 2^108. uint64_t would wrap and long double
  // (64-bit mantissa) round past 2^64 ns, e.g. after 2^20 clamped values;
  // the price is one add-with-carry in Record().
  __extension__ using Sum = unsigned __int128;

  std::uint64_t RankOf(double p) const;
  std::int64_t ValueAtRank(std::uint64_t rank) const;

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t overflow_ = 0;
  // min_ is kHighestTrackable + 1 when empty so that std::min needs no branch.
  std::int64_t min_ = kHighestTrackable + 1;
  std::int64_t max_ = 0;
  Sum sum_ = 0;
};

// Inline because Record() runs once per stat record in the reader and the
// build does not rely on link-time optimization.
inline std::size_t Histogram::IndexOf(std::int64_t value) {
  const auto v = static_cast<std::uint64_t>(value);
  // Power-of-two bucket: 0 below 2048, then k - 10 for v in [2^k, 2^(k+1)).
  const int bucket = 64 - std::countl_zero(v | kSubBucketMask) - kSubBucketBits;
  // Sub-bucket in [1024, 2048) for bucket > 0, so consecutive buckets
  // overlap by half and (bucket << 10) + sub is dense.
  const std::uint64_t sub = v >> bucket;
  return (static_cast<std::size_t>(bucket) << kSubBucketHalfBits) + sub;
}

inline void Histogram::Record(std::int64_t value_ns) {
  const std::int64_t v =
      std::clamp<std::int64_t>(value_ns, 0, kHighestTrackable);
  overflow_ += static_cast<std::uint64_t>(value_ns > kHighestTrackable);
  ++counts_[IndexOf(v)];
  ++count_;
  sum_ += static_cast<std::uint64_t>(v);
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_HISTOGRAM_H_
