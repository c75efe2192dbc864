#include "stats/histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace pylogen::stats {
namespace {

using Json = nlohmann::json;
__extension__ using Uint128 = unsigned __int128;

// p is usually a decimal such as 99.9, which binary cannot hold exactly:
// 99.9 / 100 * 10000 computes slightly above 9990 and its ceil would be one
// rank too high. Products within this relative distance below an integer
// count as that integer; doubles err by a few 1e-16.
constexpr double kRankTolerance = 1e-12;

constexpr auto kAnyUnsigned = std::numeric_limits<std::uint64_t>::max();

// Power-of-two bucket of a counts index (the inverse of IndexOf's).
int BucketOfIndex(std::size_t index) {
  return std::max(0,
                  static_cast<int>(index >> Histogram::kSubBucketHalfBits) - 1);
}

std::string ToDecimal(Uint128 value) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return {digits.rbegin(), digits.rend()};
}

template <typename... Args>
std::unexpected<std::string> Error(fmt::format_string<Args...> format,
                                   Args&&... args) {
  return std::unexpected("histogram JSON: " +
                         fmt::format(format, std::forward<Args>(args)...));
}

// nlohmann keeps parsed non-negative integers as unsigned but values built
// in memory from signed types as signed: accept both.
std::optional<std::uint64_t> AsUnsigned(const Json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  return std::nullopt;
}

std::expected<std::uint64_t, std::string> GetUnsigned(const Json& json,
                                                      const char* key,
                                                      std::uint64_t limit) {
  const auto it = json.find(key);
  if (it == json.end()) return Error("missing field \"{}\"", key);
  const std::optional<std::uint64_t> value = AsUnsigned(*it);
  if (!value) return Error("field \"{}\" must be an unsigned integer", key);
  if (*value > limit) {
    return Error("field \"{}\" = {} is above {}", key, *value, limit);
  }
  return *value;
}

std::expected<Uint128, std::string> ParseDecimal(const std::string& text) {
  constexpr Uint128 kMax = ~Uint128{0};
  if (text.empty()) return Error("field \"sum\" is an empty string");
  Uint128 value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return Error("field \"sum\" = \"{}\" is not a decimal integer", text);
    }
    const auto digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) {
      return Error("field \"sum\" = \"{}\" exceeds 128 bits", text);
    }
    value = value * 10 + digit;
  }
  return value;
}

std::expected<Uint128, std::string> GetSum(const Json& json) {
  const auto it = json.find("sum");
  if (it == json.end()) return Error("missing field \"sum\"");
  if (!it->is_string()) return Error("field \"sum\" must be a decimal string");
  return ParseDecimal(it->get<std::string>());
}

// The scalar fields of the JSON form.
struct Fields {
  std::uint64_t count = 0;
  std::uint64_t overflow = 0;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  Uint128 sum = 0;
};

std::expected<Fields, std::string> ReadFields(const Json& json) {
  constexpr auto kValue =
      static_cast<std::uint64_t>(Histogram::kHighestTrackable);
  Fields fields;
  for (const auto& [key, out, limit] :
       {std::tuple{"count", &fields.count, kAnyUnsigned},
        std::tuple{"overflow", &fields.overflow, kAnyUnsigned},
        std::tuple{"min", &fields.min, kValue},
        std::tuple{"max", &fields.max, kValue}}) {
    const auto value = GetUnsigned(json, key, limit);
    if (!value) return std::unexpected(value.error());
    *out = *value;
  }
  const auto sum = GetSum(json);
  if (!sum) return std::unexpected(sum.error());
  fields.sum = *sum;
  return fields;
}

// What reading the buckets learnt, for the consistency checks.
struct BucketSummary {
  Uint128 total = 0;      // 128 bits: hostile counts must not wrap to `count`
  std::size_t first = 0;  // first and last non-empty indexes
  std::size_t last = 0;
};

std::expected<std::pair<std::size_t, std::uint64_t>, std::string> ParseBucket(
    const Json& pair) {
  if (!pair.is_array() || pair.size() != 2) {
    return Error("bucket {} is not an [index, count] pair", pair.dump());
  }
  const auto index = AsUnsigned(pair[0]);
  const auto count = AsUnsigned(pair[1]);
  if (!index || !count) {
    return Error("bucket {} must hold unsigned integers", pair.dump());
  }
  if (*index >= Histogram::kCountsLength) {
    return Error("bucket index {} out of range [0, {})", *index,
                 Histogram::kCountsLength);
  }
  return std::pair{static_cast<std::size_t>(*index), *count};
}

// Calls add(index, count) for each non-zero bucket, in increasing order.
template <typename Add>
std::expected<BucketSummary, std::string> ReadBuckets(const Json& json,
                                                      Add&& add) {
  const auto it = json.find("buckets");
  if (it == json.end() || !it->is_array()) {
    return Error("field \"buckets\" must be an array");
  }
  BucketSummary summary;
  std::optional<std::size_t> previous;
  for (const Json& pair : *it) {
    const auto bucket = ParseBucket(pair);
    if (!bucket) return std::unexpected(bucket.error());
    const auto [index, count] = *bucket;
    if (previous && index <= *previous) {
      return Error("bucket index {} after {}: indexes must increase", index,
                   *previous);
    }
    previous = index;
    if (count == 0) continue;
    add(index, count);
    if (summary.total == 0) summary.first = index;
    summary.last = index;
    summary.total += count;
  }
  return summary;
}

std::expected<void, std::string> CheckEmpty(const Fields& fields) {
  if (fields.min != 0 || fields.max != 0 || fields.sum != 0 ||
      fields.overflow != 0) {
    return Error("count is 0 but min, max, sum or overflow is not");
  }
  return {};
}

// The invariants ValueAtPercentile and Merge rely on: all events lie in the
// buckets of [min, max], and the overflowed ones in the last bucket.
std::expected<void, std::string> CheckConsistency(
    const Fields& fields, const BucketSummary& buckets,
    std::uint64_t last_bucket_count) {
  if (buckets.total != fields.count) {
    return Error("bucket counts sum to {} but count is {}",
                 ToDecimal(buckets.total), fields.count);
  }
  if (fields.count == 0) return CheckEmpty(fields);
  const auto min = static_cast<std::int64_t>(fields.min);
  const auto max = static_cast<std::int64_t>(fields.max);
  if (min > max) return Error("min {} is above max {}", min, max);
  if (Histogram::IndexOf(min) != buckets.first ||
      Histogram::IndexOf(max) != buckets.last) {
    return Error(
        "min {} or max {} is not in the first or last non-empty "
        "bucket ({}, {})",
        min, max, buckets.first, buckets.last);
  }
  if (fields.overflow > last_bucket_count) {
    return Error("overflow {} exceeds the count {} of the last bucket",
                 fields.overflow, last_bucket_count);
  }
  if (fields.sum < Uint128{fields.min} * fields.count ||
      fields.sum > Uint128{fields.max} * fields.count) {
    return Error("sum {} is outside [min * count, max * count]",
                 ToDecimal(fields.sum));
  }
  return {};
}

// Sparse slots hold a uint16 key and a uint64 count.
constexpr std::size_t kSparseSlotBytes =
    sizeof(std::uint16_t) + sizeof(std::uint64_t);
constexpr std::size_t kSparseMinCapacity = 16;
static_assert(Histogram::kCountsLength < 0xFFFF, "keys are index + 1");

std::size_t SlotOfHash(std::size_t index, std::size_t capacity) {
  // Fibonacci hashing: consecutive indexes spread over the table.
  return static_cast<std::size_t>(
             (static_cast<std::uint32_t>(index) * 2654435769u) >> 8) &
         (capacity - 1);
}

}  // namespace

std::uint64_t* Histogram::SparseFind(std::size_t index) {
  const std::size_t capacity = keys_.size();
  const auto key = static_cast<std::uint16_t>(index + 1);
  for (std::size_t i = SlotOfHash(index, capacity);;
       i = (i + 1) & (capacity - 1)) {
    if (keys_[i] == key) return &counts_[i];
    if (keys_[i] == 0) {
      keys_[i] = key;  // the caller adds a non-zero count
      ++sparse_used_;
      return &counts_[i];
    }
  }
}

void Histogram::SparseRehash(std::size_t capacity) {
  std::vector<std::uint16_t> keys(capacity, 0);
  std::vector<std::uint64_t> counts(capacity, 0);
  keys.swap(keys_);
  counts.swap(counts_);
  sparse_used_ = 0;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] != 0 && counts[i] != 0) *SparseFind(keys[i] - 1u) = counts[i];
  }
}

std::uint16_t& Histogram::SlotTable::At(std::size_t sub_block) {
  if (own_.empty()) {
    own_.assign(kSubBlockCount, kNoSlot);
    data_ = own_.data();
  }
  return own_[sub_block];
}

Histogram::Counter& Histogram::CounterOf(std::size_t index) {
  std::uint16_t& slot = slots_.At(index >> kSubBlockBits);
  if (slot == kNoSlot) {
    // Growth by an eighth (at least one sub-block): few reallocations, and
    // little slack, as most histograms stop growing early.
    const std::size_t used = counters_.size() >> kSubBlockBits;
    if (counters_.size() == counters_.capacity()) {
      const std::size_t grow = std::max<std::size_t>(1, used / 8);
      counters_.reserve((used + grow) << kSubBlockBits);
    }
    counters_.resize(counters_.size() + kSubBlockLength, 0);
    slot = static_cast<std::uint16_t>(used);
  }
  return counters_[(std::size_t{slot} << kSubBlockBits) |
                   (index & kInSubBlock)];
}

void Histogram::TableAdd(std::size_t index, std::uint64_t n) {
  if (keys_.empty()) SparseRehash(kSparseMinCapacity);
  if ((sparse_used_ + 1) * 10 > keys_.size() * 7 && TableAt(index) == 0) {
    SparseRehash(2 * keys_.size());
  }
  *SparseFind(index) += n;
}

void Histogram::Carry(std::size_t index, std::uint64_t n) {
  TableAdd(index, n);
}

void Histogram::AddDense(std::size_t index, std::uint64_t n) {
  Counter& counter = CounterOf(index);
  // Modulo 2^64, which kCarry divides: the low bits are exact even when
  // the sum wraps (a count past 2^64 is not representable anyway).
  const std::uint64_t sum = counter + n;
  counter = static_cast<Counter>(sum);
  const std::uint64_t carried = sum - counter;
  if (carried != 0) Carry(index, carried);
}

void Histogram::ToBlocks() {
  const std::vector<Bucket> buckets = Buckets();
  dense_ = true;
  std::vector<std::uint16_t>().swap(keys_);
  std::vector<std::uint64_t>().swap(counts_);
  sparse_used_ = 0;
  // The exact room for the sub-blocks of the buckets known so far.
  std::size_t sub_blocks = 0;
  std::size_t previous = kSubBlockCount;
  for (const auto& bucket : buckets) {
    const std::size_t sub_block = bucket.first >> kSubBlockBits;
    sub_blocks += static_cast<std::size_t>(sub_block != previous);
    previous = sub_block;
  }
  counters_.reserve(sub_blocks << kSubBlockBits);
  for (const auto& [index, count] : buckets) AddDense(index, count);
}

void Histogram::AddSlow(std::size_t index, std::uint64_t n) {
  if (dense_ || count_ >= kDenseAfterCount) {
    if (!dense_) ToBlocks();
    AddDense(index, n);
    return;
  }
  if (keys_.empty()) SparseRehash(kSparseMinCapacity);
  const std::size_t capacity = keys_.size();
  // A new key must leave the table at most 70% full; past that, the table
  // doubles unless the sub-blocks of its buckets would be smaller.
  if ((sparse_used_ + 1) * 10 > capacity * 7 && CountAt(index) == 0) {
    std::array<bool, kSubBlockCount> needed{};
    needed[index >> kSubBlockBits] = true;
    for (const std::uint16_t key : keys_) {
      if (key != 0) needed[(key - 1u) >> kSubBlockBits] = true;
    }
    const auto sub_blocks = static_cast<std::size_t>(
        std::count(needed.begin(), needed.end(), true));
    if (2 * capacity * kSparseSlotBytes >
        kSubBlockCount * sizeof(std::uint16_t) +
            sub_blocks * kSubBlockLength * sizeof(Counter)) {
      ToBlocks();
      AddDense(index, n);
      return;
    }
    SparseRehash(2 * capacity);
  }
  *SparseFind(index) += n;
}

std::uint64_t Histogram::TableAt(std::size_t index) const {
  const std::size_t capacity = keys_.size();
  if (capacity == 0) return 0;
  const auto key = static_cast<std::uint16_t>(index + 1);
  for (std::size_t i = SlotOfHash(index, capacity);;
       i = (i + 1) & (capacity - 1)) {
    if (keys_[i] == key) return counts_[i];
    if (keys_[i] == 0) return 0;
  }
}

std::uint64_t Histogram::CountAt(std::size_t index) const {
  if (!dense_) return TableAt(index);
  const Counter* counters = SubBlockData(index >> kSubBlockBits);
  if (counters == nullptr) return 0;  // no carry without its sub-block
  const std::uint64_t low = counters[index & kInSubBlock];
  return sparse_used_ == 0 ? low : low + TableAt(index);
}

std::vector<Histogram::Bucket> Histogram::Buckets() const {
  std::vector<Bucket> buckets;
  if (dense_) {
    for (std::size_t sub_block = 0; sub_block < kSubBlockCount; ++sub_block) {
      const Counter* counters = SubBlockData(sub_block);
      if (counters == nullptr) continue;
      for (std::size_t i = 0; i < kSubBlockLength; ++i) {
        const std::size_t index = (sub_block << kSubBlockBits) | i;
        const std::uint64_t count =
            sparse_used_ == 0 ? counters[i] : counters[i] + TableAt(index);
        if (count != 0) {
          buckets.emplace_back(static_cast<std::uint32_t>(index), count);
        }
      }
    }
    return buckets;
  }
  buckets.reserve(sparse_used_);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] != 0 && counts_[i] != 0) {
      buckets.emplace_back(keys_[i] - 1u, counts_[i]);
    }
  }
  std::sort(buckets.begin(), buckets.end());
  return buckets;
}

void Histogram::RecordN(std::int64_t value_ns, std::uint64_t count) {
  if (count == 0) return;  // must not move min/max
  const std::int64_t v =
      std::clamp<std::int64_t>(value_ns, 0, kHighestTrackable);
  if (value_ns > kHighestTrackable) overflow_ += count;
  const std::size_t index = IndexOf(v);
  if (slots_[index >> kSubBlockBits] != kNoSlot) {
    AddDense(index, count);
  } else {
    AddSlow(index, count);
  }
  count_ += count;
  sum_ += Sum{static_cast<std::uint64_t>(v)} * count;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  if (&other == this) {
    const Histogram copy = other;
    Merge(copy);
    return;
  }
  if (other.dense_) {
    // A histogram in blocks is large, so is the merge: add sub-block by
    // sub-block, carries included.
    // The low counters first (every sub-block of other then exists here),
    // then other's carries.
    if (!dense_) ToBlocks();
    for (std::size_t sub_block = 0; sub_block < kSubBlockCount; ++sub_block) {
      const Counter* __restrict from = other.SubBlockData(sub_block);
      if (from == nullptr) continue;
      const std::size_t first = sub_block << kSubBlockBits;
      // Carry() leaves counters_ alone; other is not this (see above).
      Counter* __restrict to = &CounterOf(first);
      // A vectorizable add; a counter wrapped iff its new low bits are
      // below what was added, looked for only when one did.
      Counter wrapped = 0;
      for (std::size_t i = 0; i < kSubBlockLength; ++i) {
        const auto sum = static_cast<Counter>(to[i] + from[i]);
        wrapped |= static_cast<Counter>(sum < from[i]);
        to[i] = sum;
      }
      if (wrapped) [[unlikely]] {
        for (std::size_t i = 0; i < kSubBlockLength; ++i) {
          if (to[i] < from[i]) Carry(first | i, kCarry);
        }
      }
    }
    for (std::size_t i = 0; i < other.keys_.size(); ++i) {
      if (other.keys_[i] != 0 && other.counts_[i] != 0) {
        Carry(other.keys_[i] - 1u, other.counts_[i]);
      }
    }
  } else {
    for (std::size_t i = 0; i < other.keys_.size(); ++i) {
      if (other.keys_[i] != 0 && other.counts_[i] != 0) {
        AddSlow(other.keys_[i] - 1u, other.counts_[i]);
      }
    }
  }
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::Reset() {
  std::fill(counters_.begin(), counters_.end(), Counter{0});
  std::fill(keys_.begin(), keys_.end(), 0);
  std::fill(counts_.begin(), counts_.end(), 0);
  sparse_used_ = 0;
  count_ = 0;
  overflow_ = 0;
  min_ = kHighestTrackable + 1;
  max_ = 0;
  sum_ = 0;
}

std::size_t Histogram::MemoryBytes() const {
  return sizeof(*this) + slots_.MemoryBytes() +
         counters_.capacity() * sizeof(Counter) +
         keys_.capacity() * sizeof(std::uint16_t) +
         counts_.capacity() * sizeof(std::uint64_t);
}

bool Histogram::operator==(const Histogram& other) const {
  return count_ == other.count_ && overflow_ == other.overflow_ &&
         min() == other.min() && max_ == other.max_ && sum_ == other.sum_ &&
         Buckets() == other.Buckets();
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  // long double division of the exact sum: one rounding, then one to double.
  return static_cast<double>(static_cast<long double>(sum_) / count_);
}

std::int64_t Histogram::ValueAtPercentile(double p) const {
  if (count_ == 0) return 0;
  return ValueAtRank(RankOf(p));
}

std::uint64_t Histogram::RankOf(double p) const {
  const double fraction = std::clamp(std::isnan(p) ? 0.0 : p, 0.0, 100.0) / 100;
  const double product = fraction * static_cast<double>(count_);
  const double rank = std::ceil(product * (1.0 - kRankTolerance));
  if (rank >= static_cast<double>(count_)) return count_;  // also avoids UB
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rank));
}

// REQUIRES: 1 <= rank <= count_. The counts of [min_, max_] sum to count_,
// so the scan stops within that span.
std::int64_t Histogram::ValueAtRank(std::uint64_t rank) const {
  std::uint64_t seen = 0;
  if (!dense_ || sparse_used_ != 0) {
    // Sparse, or sub-blocks with carries: the buckets in order.
    for (const auto& [index, count] : Buckets()) {
      seen += count;
      if (seen >= rank) return std::clamp(HighestEquivalent(index), min_, max_);
    }
    return max_;  // unreachable while the invariants hold
  }
  // Sub-block by sub-block over [min_, max_]; absent ones hold zeros.
  const std::size_t first = IndexOf(min_);
  const std::size_t last = IndexOf(max_);
  for (std::size_t index = first; index <= last;) {
    const Counter* counters = SubBlockData(index >> kSubBlockBits);
    const std::size_t end =
        std::min(last + 1, (index | kInSubBlock) + 1);  // this sub-block's
    if (counters == nullptr) {
      index = end;
      continue;
    }
    // A sub-block short of the rank is skipped on its sum (vectorized).
    std::uint64_t sum = 0;
    for (std::size_t j = index; j < end; ++j) sum += counters[j & kInSubBlock];
    if (seen + sum < rank) {
      seen += sum;
      index = end;
      continue;
    }
    for (; index < end; ++index) {
      seen += counters[index & kInSubBlock];
      if (seen >= rank) {
        return std::clamp(HighestEquivalent(index), min_, max_);
      }
    }
  }
  return max_;  // unreachable while the invariants hold
}

std::int64_t Histogram::LowestEquivalent(std::size_t index) {
  const int bucket = BucketOfIndex(index);
  const std::size_t sub =
      index - (static_cast<std::size_t>(bucket) << kSubBucketHalfBits);
  return static_cast<std::int64_t>(sub) << bucket;
}

std::int64_t Histogram::HighestEquivalent(std::size_t index) {
  return LowestEquivalent(index) + (std::int64_t{1} << BucketOfIndex(index)) -
         1;
}

nlohmann::json Histogram::ToJson() const {
  const std::vector<Bucket> pairs = Buckets();
  Json buckets = Json::array();
  // Exact: the report holds every bucket of every histogram at once.
  buckets.get_ref<Json::array_t&>().reserve(pairs.size());
  for (const auto& [index, count] : pairs) {
    buckets.push_back(Json::array({index, count}));
  }
  return Json{{"version", kJsonVersion},
              {"count", count_},
              {"min", min()},
              {"max", max()},
              {"sum", ToDecimal(sum_)},
              {"overflow", overflow_},
              {"buckets", std::move(buckets)}};
}

std::expected<Histogram, std::string> Histogram::FromJson(
    const nlohmann::json& json) {
  if (!json.is_object())
    return Error("expected an object, got {}", json.type_name());
  const auto version = GetUnsigned(json, "version", kAnyUnsigned);
  if (!version) return std::unexpected(version.error());
  if (*version != kJsonVersion) {
    return Error("unsupported version {} (expected {})", *version,
                 kJsonVersion);
  }
  const auto fields = ReadFields(json);
  if (!fields) return std::unexpected(fields.error());
  Histogram histogram;
  const auto buckets =
      ReadBuckets(json, [&histogram](std::size_t index, std::uint64_t count) {
        histogram.AddSlow(index, count);
      });
  if (!buckets) return std::unexpected(buckets.error());
  const auto consistent = CheckConsistency(
      *fields, *buckets, histogram.CountAt(kCountsLength - 1));
  if (!consistent) return std::unexpected(consistent.error());
  if (fields->count == 0) return histogram;  // keeps the empty sentinels
  histogram.count_ = fields->count;
  histogram.overflow_ = fields->overflow;
  histogram.min_ = static_cast<std::int64_t>(fields->min);
  histogram.max_ = static_cast<std::int64_t>(fields->max);
  histogram.sum_ = fields->sum;
  return histogram;
}

}  // namespace pylogen::stats
