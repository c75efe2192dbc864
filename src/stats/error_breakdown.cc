#include "stats/error_breakdown.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

namespace pylogen::stats {
namespace {

using Message = char[ErrorBreakdown::kMessageCapacity];

// NUL-padded copy, truncated: equal texts compare equal byte for byte.
void CopyPadded(Message& dest, std::string_view text) {
  std::memset(dest, 0, sizeof dest);
  std::memcpy(dest, text.data(), std::min(text.size(), sizeof dest - 1));
}

// Sorted()'s order, used with std::stable_sort: ties stay first seen.
bool MoreFrequent(const ErrorBreakdown::Entry& a, const ErrorBreakdown::Entry& b) {
  return a.count > b.count;
}

// A total order on the whole entry, for comparing breakdowns.
bool KeyLess(const ErrorBreakdown::Entry& a, const ErrorBreakdown::Entry& b) {
  if (a.count != b.count) return a.count > b.count;
  if (a.rc != b.rc) return a.rc < b.rc;
  return std::memcmp(a.message, b.message, sizeof a.message) < 0;
}

// A short view of a JSON value for an error text.
std::string Shown(const nlohmann::json& v) {
  std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 40 ? text.substr(0, 37) + "..." : text;
}

// A non-negative integer, whether JSON parsed it as unsigned or not.
std::optional<std::uint64_t> Unsigned(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return v.get<std::uint64_t>();
  return std::nullopt;
}

std::expected<ErrorBreakdown::Entry, std::string> EntryFromJson(const nlohmann::json& j,
                                                                std::size_t i) {
  auto error = [i](std::string_view key, std::string_view expected, const nlohmann::json& got) {
    return std::unexpected(
        fmt::format("errors_by[{}]{}: expected {}, got {}", i, key, expected, Shown(got)));
  };
  if (!j.is_object()) return error("", "an object {rc, message, count}", j);
  ErrorBreakdown::Entry e;
  const auto rc = j.find("rc");
  if (rc == j.end()) return error(".rc", "an integer", nullptr);
  if (!rc->is_number_integer() ||
      rc->get<std::int64_t>() < std::numeric_limits<std::int32_t>::min() ||
      rc->get<std::int64_t>() > std::numeric_limits<std::int32_t>::max()) {
    return error(".rc", "an integer of 32 bits", *rc);
  }
  e.rc = rc->get<std::int32_t>();
  const auto message = j.find("message");
  if (message == j.end()) return error(".message", "a string", nullptr);
  if (!message->is_string() ||
      message->get_ref<const std::string&>().size() >= ErrorBreakdown::kMessageCapacity) {
    return error(".message",
                 fmt::format("a string of at most {} bytes", ErrorBreakdown::kMessageCapacity - 1),
                 *message);
  }
  CopyPadded(e.message, message->get_ref<const std::string&>());
  const auto count = j.find("count");
  if (count == j.end()) return error(".count", "a positive integer", nullptr);
  const std::optional<std::uint64_t> n = Unsigned(*count);
  if (!n || *n == 0) return error(".count", "a positive integer", *count);
  e.count = *n;
  return e;
}

}  // namespace

std::string_view ErrorBreakdown::Entry::text() const {
  return std::string_view(message, strnlen(message, sizeof message));
}

ErrorBreakdown::Entry* ErrorBreakdown::Find(std::int32_t rc, const Message& message) {
  for (Entry& e : entries_) {
    if (e.rc == rc && std::memcmp(e.message, message, sizeof message) == 0) return &e;
  }
  return nullptr;
}

void ErrorBreakdown::AddN(std::int32_t rc, std::string_view text, std::uint64_t count) {
  if (count == 0) return;
  total_ += count;
  Message message;
  CopyPadded(message, text);
  if (Entry* e = Find(rc, message)) {
    e->count += count;
    return;
  }
  if (entries_.size() == kMaxPairs) {
    other_ += count;
    return;
  }
  if (entries_.capacity() < kMaxPairs) entries_.reserve(kMaxPairs);  // once: the warm-up
  Entry& e = entries_.emplace_back();
  e.rc = rc;
  e.count = count;
  std::memcpy(e.message, message, sizeof message);
}

void ErrorBreakdown::Merge(const ErrorBreakdown& other) {
  std::vector<Entry> all = entries_;
  for (const Entry& theirs : other.entries_) {
    auto same = std::find_if(all.begin(), all.end(), [&](const Entry& e) {
      return e.rc == theirs.rc && std::memcmp(e.message, theirs.message, sizeof e.message) == 0;
    });
    if (same != all.end()) {
      same->count += theirs.count;
    } else {
      all.push_back(theirs);
    }
  }
  std::stable_sort(all.begin(), all.end(), MoreFrequent);
  other_ += other.other_;
  total_ += other.total_;
  for (std::size_t i = kMaxPairs; i < all.size(); ++i) other_ += all[i].count;
  all.resize(std::min(all.size(), kMaxPairs));
  all.reserve(kMaxPairs);
  entries_ = std::move(all);
}

std::vector<ErrorBreakdown::Entry> ErrorBreakdown::Sorted() const {
  std::vector<Entry> sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(), MoreFrequent);
  return sorted;
}

nlohmann::json ErrorBreakdown::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const Entry& e : Sorted()) {
    list.push_back({{"rc", e.rc}, {"message", std::string(e.text())}, {"count", e.count}});
  }
  return {{"errors_by", std::move(list)}, {"errors_other", other_}};
}

std::expected<ErrorBreakdown, std::string> ErrorBreakdown::FromJson(const nlohmann::json& object) {
  if (!object.is_object())
    return std::unexpected("expected an object with errors_by and errors_other");
  const auto list = object.find("errors_by");
  if (list == object.end() || !list->is_array()) {
    return std::unexpected(
        fmt::format("errors_by: expected a list of {{rc, message, count}}, got {}",
                    list == object.end() ? "nothing" : Shown(*list)));
  }
  if (list->size() > kMaxPairs) {
    return std::unexpected(
        fmt::format("errors_by: {} pairs, expected at most {}", list->size(), kMaxPairs));
  }
  const auto other = object.find("errors_other");
  const std::optional<std::uint64_t> other_count =
      other == object.end() ? std::nullopt : Unsigned(*other);
  if (!other_count) {
    return std::unexpected(fmt::format("errors_other: expected an unsigned integer, got {}",
                                       other == object.end() ? "nothing" : Shown(*other)));
  }
  ErrorBreakdown b;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto e = EntryFromJson((*list)[i], i);
    if (!e) return std::unexpected(e.error());
    if (b.Find(e->rc, e->message) != nullptr) {
      return std::unexpected(
          fmt::format("errors_by[{}]: rc {} and message \"{}\" listed twice", i, e->rc, e->text()));
    }
    b.AddN(e->rc, e->text(), e->count);
  }
  b.AddOther(*other_count);
  return b;
}

bool ErrorBreakdown::operator==(const ErrorBreakdown& other) const {
  if (other_ != other.other_ || total_ != other.total_ ||
      entries_.size() != other.entries_.size()) {
    return false;
  }
  std::vector<Entry> a = entries_, b = other.entries_;
  std::sort(a.begin(), a.end(), KeyLess);
  std::sort(b.begin(), b.end(), KeyLess);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].rc != b[i].rc || a[i].count != b[i].count ||
        std::memcmp(a[i].message, b[i].message, sizeof a[i].message) != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace pylogen::stats
