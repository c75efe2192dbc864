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
// - blocks: the counters in sub-blocks of 64 (kSubBlockLength consecutive
//   indexes, 128 bytes), allocated when a value first falls in one, found
//   through a table of 560 sub-block slots (1,120 bytes, allocated with the
//   first sub-block). Counters hold the low 16 bits of a count; a counter
//   that wraps carries 65,536 into a side table (the sparse form's hash
//   table, reused: index -> the carried part), so that a count is
//   low + carried, exact up to 2^64. 5 ms +- 0.5 ms latencies take ~4 KiB,
//   exponential wait times of mean 50 us ~22 KiB (the 1,024-counter blocks
//   of uint64 before: 16 and 90 KiB). A histogram switches to blocks, for
//   good, once it has recorded kDenseAfterCount events or once its sparse
//   table would outgrow the sub-blocks (and their table) that would hold the
//   same buckets.
// Record() is allocation-free once its value's bucket exists (sparse) or its
// sub-block exists (blocks; a carry allocates at most once per bucket that
// passes 65,536 events); in the block form the hot path is two loads, one
// predictable branch, a 16-bit add and a never-taken branch on its carry.
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
namespace histogram_detail {
// The sub-block table of every histogram without sub-blocks: all absent.
inline constexpr std::size_t kSubBlockCount = 560;
inline constexpr std::uint16_t kNoSlot = 0xFFFF;
inline constexpr std::array<std::uint16_t, kSubBlockCount> kNoSlots = [] {
  std::array<std::uint16_t, kSubBlockCount> slots{};
  slots.fill(kNoSlot);
  return slots;
}();
}  // namespace histogram_detail

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
  // Storage (not part of the JSON format): sub-blocks of 64 counters of
  // 16 bits, carries beyond.
  static constexpr int kSubBlockBits = 6;
  static constexpr std::size_t kSubBlockLength = std::size_t{1}
                                                 << kSubBlockBits;
  static constexpr std::size_t kSubBlockCount =
      kCountsLength >> kSubBlockBits;  // 560
  using Counter = std::uint16_t;
  static constexpr std::uint64_t kCarry = std::uint64_t{1}
                                          << (8 * sizeof(Counter));
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
  // True once the counters are in sub-blocks (see above); for tests.
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
  static constexpr std::uint16_t kNoSlot = histogram_detail::kNoSlot;
  static_assert(kSubBlockCount == histogram_detail::kSubBlockCount);
  static_assert(kSubBlockCount < kNoSlot);
  static constexpr std::size_t kInSubBlock = kSubBlockLength - 1;

  // Sub-block -> its slot in counters_ (kNoSlot when absent). Until the
  // first sub-block, it reads a shared table of kNoSlot, so that Record()
  // needs no test of its own for "no table yet"; copies point at their
  // own table.
  class SlotTable {
   public:
    SlotTable() = default;
    SlotTable(const SlotTable& other) : own_(other.own_) { Repoint(); }
    SlotTable& operator=(const SlotTable& other) {
      own_ = other.own_;
      Repoint();
      return *this;
    }
    SlotTable(SlotTable&& other) noexcept : own_(std::move(other.own_)) {
      Repoint();
      other.Clear();
    }
    SlotTable& operator=(SlotTable&& other) noexcept {
      own_ = std::move(other.own_);
      Repoint();
      other.Clear();
      return *this;
    }
    std::uint16_t operator[](std::size_t sub_block) const {
      return data_[sub_block];
    }
    // The writable entry; allocates the table on first use.
    std::uint16_t& At(std::size_t sub_block);
    std::size_t MemoryBytes() const {
      return own_.capacity() * sizeof(std::uint16_t);
    }

   private:
    void Repoint() { data_ = own_.empty() ? kAbsent.data() : own_.data(); }
    void Clear() {
      std::vector<std::uint16_t>().swap(own_);
      data_ = kAbsent.data();
    }
    static constexpr const auto& kAbsent = histogram_detail::kNoSlots;
    std::vector<std::uint16_t> own_;
    const std::uint16_t* data_ = kAbsent.data();
  };

  std::uint64_t RankOf(double p) const;
  std::int64_t ValueAtRank(std::uint64_t rank) const;
  // The count of one index, 0 when it is not stored.
  std::uint64_t CountAt(std::size_t index) const;
  // The value of index in the hash table (sparse count or carried part).
  std::uint64_t TableAt(std::size_t index) const;
  // The non-zero buckets in increasing index order.
  std::vector<Bucket> Buckets() const;
  // The cold path of Record(): a sparse add or a new sub-block.
  void AddSlow(std::size_t index, std::uint64_t n);
  void AddDense(std::size_t index, std::uint64_t n);
  // Adds n (a multiple of kCarry) to the carried part of index.
  void Carry(std::size_t index, std::uint64_t n);
  // Adds n to the hash table entry of index, growing it at 70% full.
  void TableAdd(std::size_t index, std::uint64_t n);
  std::uint64_t* SparseFind(std::size_t index);
  void SparseRehash(std::size_t capacity);
  void ToBlocks();
  // The counter of index, its sub-block allocated when absent.
  Counter& CounterOf(std::size_t index);
  // The counters of a sub-block, nullptr when absent.
  const Counter* SubBlockData(std::size_t sub_block) const {
    const std::uint16_t slot = slots_[sub_block];
    if (slot == kNoSlot) return nullptr;
    return counters_.data() + (std::size_t{slot} << kSubBlockBits);
  }

  // Block form: the low bits of the count of index i are
  // counters_[(slots_[i >> kSubBlockBits] << kSubBlockBits) | (i & 63)];
  // the carried part of a count is in the hash table below. Invariant:
  // every carried index has its sub-block.
  SlotTable slots_;
  std::vector<Counter> counters_;
  // Hash table, capacity a power of two: keys_[i] is index + 1 (0: free
  // slot), counts_[i] its count (sparse form) or carried part (blocks).
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
  const std::uint16_t slot = slots_[index >> kSubBlockBits];
  if (slot != kNoSlot) [[likely]] {
    Counter& counter =
        counters_[(std::size_t{slot} << kSubBlockBits) | (index & kInSubBlock)];
    if (++counter == 0) [[unlikely]] Carry(index, kCarry);
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
