// Histogram: the latency histogram of the stats reader.
//
// A log-linear histogram of non-negative nanosecond values, laid out like
// HdrHistogram with 3 significant digits: 2048 sub-buckets cover [0, 2048)
// exactly, then every power of two [2^k, 2^(k+1)) is cut into 1024 equal
// sub-buckets, so a value and the highest value of its bucket differ by less
// than 1/1024 (< 0.1%). The range is [0, 2^44) ns (~4.9 h) in 35840 logical
// counters, indexed by IndexOf().
//
// Memory is in proportion to the buckets used, never the 280 KiB of the
// full layout up front. A histogram starts empty (no heap memory) and then
// holds its counters in one of two forms, chosen on the cold path only:
// - sparse: an open-addressing hash table of (index, count) pairs (10 bytes
//   a slot, at most 70% full), for histograms with few events or few
//   distinct buckets: 600 events spread over 12 powers of two cost ~10 KiB;
// - blocks: the counters in blocks of 1024 (8 KiB, kBlockLength), one block
//   per 1024 consecutive indexes (index >> 10: block 0 and 1 hold [0, 2048),
//   block k + 1 the power of two [2^(k+10), 2^(k+11))), allocated when a
//   value first falls in it. A histogram switches to blocks, for good, once
//   it has recorded kDenseAfterCount events or once its sparse table would
//   outgrow the blocks that would hold the same buckets.
// Record() is allocation-free once its value's bucket exists (sparse) or its
// block exists (blocks); in the block form the hot path is one table load,
// one predictable branch and the add of the old dense layout.
//
// Out-of-range values are clamped, not dropped, so that count() stays the
// number of events: a negative value is recorded as 0 and a value >= 2^44 as
// kHighestTrackable (counted in overflow()). min(), max() and mean() are exact
// over the values as clamped.
//
// JSON encoding (kJsonVersion 1, unchanged by the compact storage): an object
//   {"version":1, "count":C, "min":MIN, "max":MAX, "sum":"S",
//    "overflow":O, "buckets":[[INDEX,COUNT],...]}
// where buckets lists only the non-zero counters in strictly increasing
// INDEX order (INDEX as IndexOf(); the bucket holds the values
// [LowestEquivalent(INDEX), HighestEquivalent(INDEX)]: INDEX itself below
// 2048, else, with b = INDEX / 1024 - 1, [(INDEX - 1024 b) << b,
// ((INDEX - 1024 b + 1) << b) - 1]); C is the sum of the COUNTs; MIN and
// MAX are the exact extremes (0 and 0 when empty); S is the exact sum of the
// values as a decimal string (it may exceed 2^64; JSON readers often parse
// numbers as doubles); O the clamped values above kHighestTrackable (all in
// the last bucket). Lossless: FromJson(ToJson(h)) == h, and decoding two
// histograms and merging them equals decoding their merge.
//
// Ownership and process: the reader process only. Workers never touch it (it
// holds std::vectors, so it cannot live in shared memory); they push stat
// records and the reader records them, one histogram per series, merging
// interval histograms into run totals with Merge().
// Threading: thread-compatible, not thread-safe.
#ifndef PYLOGEN_STATS_HISTOGRAM_H_
#define PYLOGEN_STATS_HISTOGRAM_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <limits>
#include <nlohmann/json_fwd.hpp>  // callers of ToJson/FromJson include json.hpp
#include <string>
#include <utility>
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
  // Storage (not part of the JSON format): blocks of 1024 counters.
  static constexpr int kBlockBits = 10;
  static constexpr std::size_t kBlockLength = std::size_t{1} << kBlockBits;
  static constexpr std::size_t kBlockCount = kCountsLength >> kBlockBits;  // 35
  // A histogram that has recorded this many events uses blocks.
  static constexpr std::uint64_t kDenseAfterCount = std::uint64_t{1} << 16;

  // Empty, without heap memory.
  Histogram() = default;

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
  // Back to the empty state, keeping the allocation (and the form).
  void Reset();

  // The heap and inline bytes this histogram holds (sizeof included), for
  // tests and memory figures.
  std::size_t MemoryBytes() const;
  // True once the counters are in blocks (see above); for tests.
  bool uses_blocks() const { return dense_; }

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

  // Equal events: the same fields and the same non-zero buckets, whatever
  // the storage form of each.
  bool operator==(const Histogram& other) const;

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

  using Bucket = std::pair<std::uint32_t, std::uint64_t>;  // index, count
  static constexpr std::int32_t kNoBlock = std::numeric_limits<std::int32_t>::min();

  std::uint64_t RankOf(double p) const;
  std::int64_t ValueAtRank(std::uint64_t rank) const;
  // The count of one index, 0 when it is not stored.
  std::uint64_t CountAt(std::size_t index) const;
  // The non-zero buckets in increasing index order.
  std::vector<Bucket> Buckets() const;
  // The cold path of Record(): a sparse add or a new block.
  void AddSlow(std::size_t index, std::uint64_t n);
  void AddDense(std::size_t index, std::uint64_t n);
  std::uint64_t* SparseFind(std::size_t index);
  void SparseRehash(std::size_t capacity);
  void ToBlocks();
  std::uint64_t* BlockOf(std::size_t block);  // allocates it when absent
  // The counters of a block, nullptr when absent.
  const std::uint64_t* BlockData(std::size_t block) const {
    const std::int32_t shift = shift_of_block_[block];
    if (shift == kNoBlock) return nullptr;
    return blocks_.data() + static_cast<std::ptrdiff_t>(block << kBlockBits) + shift;
  }

  // Block form: the counter of index i is blocks_[i + shift_of_block_[b]],
  // b = i >> kBlockBits (the block's place in blocks_ minus its first
  // index: one add on the hot path), kNoBlock when block b is absent.
  std::array<std::int32_t, kBlockCount> shift_of_block_ = MakeNoBlocks();
  std::vector<std::uint64_t> blocks_;
  // Sparse form: keys_[i] is index + 1 (0: free slot), counts_[i] its count;
  // the capacity is a power of two.
  std::vector<std::uint16_t> keys_;
  std::vector<std::uint64_t> counts_;
  std::size_t sparse_used_ = 0;
  bool dense_ = false;
  std::uint64_t count_ = 0;
  std::uint64_t overflow_ = 0;
  // min_ is kHighestTrackable + 1 when empty so that std::min needs no branch.
  std::int64_t min_ = kHighestTrackable + 1;
  std::int64_t max_ = 0;
  Sum sum_ = 0;

  static constexpr std::array<std::int32_t, kBlockCount> MakeNoBlocks() {
    std::array<std::int32_t, kBlockCount> slots{};
    slots.fill(kNoBlock);
    return slots;
  }
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
  const std::size_t index = IndexOf(v);
  const std::int32_t shift = shift_of_block_[index >> kBlockBits];
  if (shift != kNoBlock) [[likely]] {
    ++blocks_[static_cast<std::size_t>(static_cast<std::ptrdiff_t>(index) + shift)];
  } else {
    AddSlow(index, 1);
  }
  ++count_;
  sum_ += static_cast<std::uint64_t>(v);
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_HISTOGRAM_H_
