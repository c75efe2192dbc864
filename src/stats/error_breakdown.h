// ErrorBreakdown: the failed records of one name counted by (rc, message),
// the most frequent first (issue 12, item 6).
//
// Bounded: at most kMaxPairs distinct pairs are kept, the first ones seen;
// the records of any further pair are counted in other() only, so that a
// flood of distinct messages ("error on call 1", "error on call 2", ...)
// cannot grow memory. The counts of kept pairs are exact over the records
// this breakdown saw; total() == sum of the kept counts + other().
// Messages are bounded as Record::error is (kErrorCapacity, NUL included):
// longer ones are truncated to kErrorCapacity - 1 bytes.
//
// Memory: nothing until the first failed record, then one allocation of
// kMaxPairs fixed-size entries (~1 KiB); Add() never allocates after that
// (no std::string per record: entries hold char arrays). Only failed
// records reach it: the success path of Aggregator::Add pays one branch.
//
// JSON (in each name of the report):
//   "errors_by": [{"rc":7, "message":"Couldn't connect to server", "count":3}, ...]
//   "errors_other": N
// errors_by in Sorted() order. Merge() (report merge) keeps the kMaxPairs
// most frequent of the union, the rest counted in other(): a merged pair's
// count misses the occurrences a source had to count in its own other().
//
// Ownership and process: the reader process only (it holds a std::vector).
// Thread-compatible, not thread-safe.
#ifndef PYLOGEN_STATS_ERROR_BREAKDOWN_H_
#define PYLOGEN_STATS_ERROR_BREAKDOWN_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <nlohmann/json_fwd.hpp>  // callers of ToJson/FromJson include json.hpp
#include <string>
#include <string_view>
#include <vector>

#include "pylogen/requests.h"

namespace pylogen::stats {

class ErrorBreakdown {
 public:
  static constexpr std::size_t kMaxPairs = 16;
  static constexpr std::size_t kMessageCapacity = kErrorCapacity;  // NUL included

  struct Entry {
    std::int32_t rc = 0;
    std::uint64_t count = 0;
    char message[kMessageCapacity] = {};  // NUL-padded: compared whole
    std::string_view text() const;
  };

  // Empty, without heap memory.
  ErrorBreakdown() = default;

  // One failed record. `message` is truncated to kMessageCapacity - 1 bytes.
  void Add(std::int32_t rc, std::string_view message) { AddN(rc, message, 1); }
  // `count` records of one pair; count == 0 is a no-op.
  void AddN(std::int32_t rc, std::string_view message, std::uint64_t count);
  // Records counted beyond the kept pairs; `count` more of them.
  void AddOther(std::uint64_t count) {
    other_ += count;
    total_ += count;
  }
  // Adds other's records: the kMaxPairs most frequent pairs of the union
  // are kept (ties: this one's first, then other's, each as first seen),
  // the rest go to other().
  void Merge(const ErrorBreakdown& other);

  // The kept pairs, the most frequent first; ties in the order first seen.
  std::vector<Entry> Sorted() const;
  std::size_t pairs() const { return entries_.size(); }
  std::uint64_t other() const { return other_; }
  std::uint64_t total() const { return total_; }
  bool empty() const { return total_ == 0; }

  // {"errors_by":[{"rc":..,"message":..,"count":..},...],"errors_other":N}.
  nlohmann::json ToJson() const;
  // Reads the two keys of `object` (a name of the report). Validates them:
  // the error text names the faulty key and what was expected.
  static std::expected<ErrorBreakdown, std::string> FromJson(const nlohmann::json& object);

  // The same pairs with the same counts, and the same other(), whatever
  // the order they were first seen in.
  bool operator==(const ErrorBreakdown& other) const;

 private:
  Entry* Find(std::int32_t rc, const char (&message)[kMessageCapacity]);

  std::vector<Entry> entries_;  // capacity kMaxPairs once used
  std::uint64_t other_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_ERROR_BREAKDOWN_H_
