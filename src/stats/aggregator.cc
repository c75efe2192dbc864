#include "stats/aggregator.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace pylogen::stats {

bool Aggregator::Key::operator==(const Key& other) const {
  return load == other.load && length_index == other.length_index && kind == other.kind &&
         std::memcmp(manager, other.manager, sizeof manager) == 0 &&
         std::memcmp(request, other.request, sizeof request) == 0;
}

std::size_t Aggregator::KeyHash::operator()(const Key& key) const {
  std::size_t h = std::hash<std::string_view>()(std::string_view(key.manager)) * 31 +
                  std::hash<std::string_view>()(std::string_view(key.request));
  return h ^ (static_cast<std::size_t>(key.load) << 40) ^
         (static_cast<std::size_t>(key.length_index) << 20) ^ static_cast<std::size_t>(key.kind);
}

Aggregator::Aggregator(std::vector<std::string> load_ids, std::vector<std::string> cut_names)
    : load_ids_(std::move(load_ids)), cut_names_(std::move(cut_names)) {}

Aggregator::Key Aggregator::KeyOf(const Record& record) {
  Key key{};
  key.load = record.load;
  key.length_index = record.length_index;
  key.kind = record.kind;
  // Records carry NUL-terminated names; copy whole arrays but zero what
  // follows the NUL so that equal names compare equal byte for byte.
  std::memcpy(key.manager, record.manager, strnlen(record.manager, sizeof key.manager - 1));
  std::memcpy(key.request, record.request, strnlen(record.request, sizeof key.request - 1));
  return key;
}

NameStats& Aggregator::Insert(const Key& key) {
  if (names_.size() >= kMaxNames) {
    ++overflowed_;
    Key other{};
    other.load = key.load;
    other.kind = key.kind;
    std::strcpy(other.manager, "(other)");
    auto it = index_.find(other);
    if (it != index_.end()) return *it->second;
    NameStats& stats = names_.emplace_back();
    stats.name = fmt::format("{}.(other names)", load_ids_[key.load]);
    stats.load = key.load;
    stats.kind = key.kind;
    index_.emplace(other, &stats);
    return stats;
  }
  NameStats& stats = names_.emplace_back();
  stats.name = fmt::format("{}.{}.{}.{}", load_ids_[key.load], cut_names_[key.load],
                           key.length_index, key.manager);
  if (key.kind == RecordKind::kRequest) stats.name += fmt::format(".{}", key.request);
  stats.load = key.load;
  stats.kind = key.kind;
  index_.emplace(key, &stats);
  return stats;
}

NameStats& Aggregator::Lookup(std::uint32_t slot, const Record& record) {
  if (slot >= last_by_slot_.size()) last_by_slot_.resize(slot + 1);
  CacheEntry& last = last_by_slot_[slot];
  Key key = KeyOf(record);
  if (last.stats != nullptr && last.key == key) return *last.stats;
  auto it = index_.find(key);
  NameStats& stats = it != index_.end() ? *it->second : Insert(key);
  last.key = key;
  last.stats = &stats;
  return stats;
}

std::uint64_t Aggregator::Add(std::uint32_t slot, const Record& record) {
  NameStats& stats = Lookup(slot, record);
  ++stats.count;
  stats.errors += record.rc != 0;
  stats.bytes_in += record.bytes_in;
  stats.bytes_out += record.bytes_out;
  std::int64_t end = record.begin_ns + record.service_ns;
  if (stats.first_begin_ns == 0 || record.begin_ns < stats.first_begin_ns) {
    stats.first_begin_ns = record.begin_ns;
  }
  stats.last_end_ns = std::max(stats.last_end_ns, end);
  if (record.opened_model() && !stats.wait) {
    stats.wait = std::make_unique<Histogram>();
    stats.response = std::make_unique<Histogram>();
  }
  if (record.rc == 0) [[likely]] {
    stats.service.Record(record.service_ns);
    if (record.opened_model()) {
      stats.wait->Record(record.wait_ns);
      stats.response->Record(record.response_ns());
    }
  } else {
    AddFailed(stats, record);
  }
  if (record.kind == RecordKind::kTransaction) {
    ++transactions_;
  } else {
    ++requests_;
    ++interval_requests_;
    request_errors_ += record.rc != 0;
    if (first_begin_ns_ == 0 || record.begin_ns < first_begin_ns_) first_begin_ns_ = record.begin_ns;
    if (end > last_end_ns_) last_end_ns_ = end;
  }
  if (slot >= local_by_slot_.size()) local_by_slot_.resize(slot + 1, -1.0f);
  local_by_slot_[slot] = record.local_throughput;
  return requests_;
}

std::uint16_t Aggregator::RestoreLoad(const std::string& load_id) {
  auto it = std::find(load_ids_.begin(), load_ids_.end(), load_id);
  if (it != load_ids_.end()) return static_cast<std::uint16_t>(it - load_ids_.begin());
  load_ids_.push_back(load_id);
  cut_names_.emplace_back();
  return static_cast<std::uint16_t>(load_ids_.size() - 1);
}

NameStats& Aggregator::RestoreName(NameStats stats) {
  if (stats.kind == RecordKind::kTransaction) {
    transactions_ += stats.count;
  } else {
    requests_ += stats.count;
    request_errors_ += stats.errors;
    if (stats.count != 0) {
      if (first_begin_ns_ == 0 || stats.first_begin_ns < first_begin_ns_) {
        first_begin_ns_ = stats.first_begin_ns;
      }
      last_end_ns_ = std::max(last_end_ns_, stats.last_end_ns);
    }
  }
  return names_.emplace_back(std::move(stats));
}

void Aggregator::RestoreMarks(const HighWater& queue_length, const HighWater& throughput,
                              const HighWater& running, const HighWater& busy) {
  queue_length_ = queue_length;
  throughput_hwm_ = throughput;
  running_ = running;
  busy_ = busy;
}

void Aggregator::AddFailed(NameStats& stats, const Record& record) {
  stats.failed.Record(record.response_ns());  // wait_ns is 0 in the closed model
  stats.errors_by.Add(record.rc,
                      std::string_view(record.error, strnlen(record.error, sizeof record.error)));
}

void Aggregator::Tick(std::int64_t now_ns, double interval_s) {
  global_throughput_ = static_cast<double>(interval_requests_) / interval_s;
  interval_requests_ = 0;
  double sum_local = 0;
  for (float& local : local_by_slot_) {
    if (local >= 0) sum_local += local;
    local = -1.0f;  // counts only runners that reported in the next interval
  }
  intervals_.push_back({now_ns, global_throughput_, sum_local});
  throughput_hwm_.Offer(global_throughput_, now_ns);
}

}  // namespace pylogen::stats
