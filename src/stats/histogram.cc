#include "stats/histogram.h"

#include <fmt/format.h>

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

std::expected<BucketSummary, std::string> ReadBuckets(
    const Json& json, std::vector<std::uint64_t>& counts) {
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
    counts[index] = count;
    if (count == 0) continue;
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
    const std::vector<std::uint64_t>& counts) {
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
  if (fields.overflow > counts.back()) {
    return Error("overflow {} exceeds the count {} of the last bucket",
                 fields.overflow, counts.back());
  }
  if (fields.sum < Uint128{fields.min} * fields.count ||
      fields.sum > Uint128{fields.max} * fields.count) {
    return Error("sum {} is outside [min * count, max * count]",
                 ToDecimal(fields.sum));
  }
  return {};
}

}  // namespace

Histogram::Histogram() : counts_(kCountsLength, 0) {}

void Histogram::RecordN(std::int64_t value_ns, std::uint64_t count) {
  if (count == 0) return;  // must not move min/max
  const std::int64_t v =
      std::clamp<std::int64_t>(value_ns, 0, kHighestTrackable);
  if (value_ns > kHighestTrackable) overflow_ += count;
  counts_[IndexOf(v)] += count;
  count_ += count;
  sum_ += Sum{static_cast<std::uint64_t>(v)} * count;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  // Only the span [min, max] of other can hold events.
  const std::size_t last = IndexOf(other.max_);
  for (std::size_t i = IndexOf(other.min_); i <= last; ++i) {
    counts_[i] += other.counts_[i];
  }
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void Histogram::Reset() {
  // The reader resets a histogram per interval: clear only the used span.
  if (count_ != 0) {
    std::fill(counts_.begin() + IndexOf(min_),
              counts_.begin() + IndexOf(max_) + 1, 0);
  }
  count_ = 0;
  overflow_ = 0;
  min_ = kHighestTrackable + 1;
  max_ = 0;
  sum_ = 0;
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
  std::size_t i = IndexOf(min_);
  std::uint64_t seen = counts_[i];
  while (seen < rank) seen += counts_[++i];
  return std::clamp(HighestEquivalent(i), min_, max_);
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
  Json buckets = Json::array();
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) buckets.push_back(Json::array({i, counts_[i]}));
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
  const auto buckets = ReadBuckets(json, histogram.counts_);
  if (!buckets) return std::unexpected(buckets.error());
  const auto consistent =
      CheckConsistency(*fields, *buckets, histogram.counts_);
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
