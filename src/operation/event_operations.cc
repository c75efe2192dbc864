#include "operation/event_operations.h"

#include <unistd.h>

#include <fmt/format.h>

#include "util/clock.h"

namespace pylogen::operation {

EventOperations::EventOperations(const shm::Segment& segment, std::uint32_t slot_index,
                                 std::uint16_t load, double summary_s, EventCutInstance cut)
    : slot_(segment.slot(slot_index)),
      cut_(std::move(cut)),
      wall_offset_ns_(util::WallOffsetNanos()),
      reporter_(segment.Producer(slot_index), &slot_, load, static_cast<std::int32_t>(getpid()),
                wall_offset_ns_),
      throughput_(MonotonicNanos(), summary_s),
      users_(cut_.load().concurrency),
      optimeout_ns_(cut_.load().optimeout_ns),
      timeout_message_(fmt::format("operation open after --optimeout {}s",
                                   static_cast<double>(cut_.load().optimeout_ns) / 1e9)) {
  completed_.reserve(users_.size());
  taken_.reserve(users_.size());
  for (std::uint32_t u = 0; u < users_.size(); ++u) users_[u].op.Prepare(this, u);
}

void EventOperations::Start(std::uint32_t user, std::size_t length_index, const std::string& length,
                            std::int64_t intended_mono_ns) {
  User& u = users_[user];
  u.op.Reset(length_index, length, ClassUnderTest::LengthValue(length), ++count_, intended_mono_ns,
             cut_.load().cut_name.c_str());
  u.started_ns = MonotonicNanos();
  u.in_flight = true;
  Link(user);
  slot_.busy.store(++in_flight_, std::memory_order_relaxed);
  try {
    cut_->start(u.op);
  } catch (const std::exception& e) {
    if (!u.in_flight) return;  // completed, then threw: the completion stands
    u.op.requests().exec("start", [&](Request& r) { r.Fail(kRcException, e.what()); });
    Complete(u.op);
  } catch (...) {
    if (!u.in_flight) return;
    u.op.requests().exec("start", [](Request& r) { r.Fail(kRcException, "unknown exception"); });
    Complete(u.op);
  }
}

void EventOperations::Complete(Operation& op) {
  std::uint32_t user = op.user();
  if (user >= users_.size() || &users_[user].op != &op || !users_[user].in_flight) {
    // A second Complete() of one operation, or one after its cancel(): the
    // CUT's bug, which must not corrupt another operation's record.
    ++stray_completions_;
    return;
  }
  Finish(user, MonotonicNanos());
}

void EventOperations::Finish(std::uint32_t user, std::int64_t now) {
  User& u = users_[user];
  RequestsManager& requests = u.op.requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests.at(i).end_ns == 0) requests.at(i).end_ns = now;  // still open: ends now
  }
  u.in_flight = false;
  Unlink(user);
  slot_.busy.store(--in_flight_, std::memory_order_relaxed);
  std::int64_t end = requests.size() != 0 ? (requests.end() - 1)->end_ns : now;
  OpInfo info{u.op.op_count(), static_cast<std::uint16_t>(u.op.length_index()), throughput_.Count(end)};
  if (u.op.intended_ns() != 0) info.intended_ns = u.op.intended_ns() + wall_offset_ns_;
  reporter_.Report(requests, info);
  completed_.push_back(user);
}

const std::vector<std::uint32_t>& EventOperations::TakeCompleted() {
  taken_.swap(completed_);
  completed_.clear();
  return taken_;
}

std::int64_t EventOperations::ExpireOverdue(std::int64_t now) {
  while (head_ != kNone && now - users_[head_].started_ns >= optimeout_ns_) Expire(head_, now);
  return head_ == kNone ? kNoDeadline : users_[head_].started_ns + optimeout_ns_;
}

void EventOperations::Expire(std::uint32_t user, std::int64_t now) {
  User& u = users_[user];
  try {
    cut_->cancel(u.op);
  } catch (const std::exception& e) {
    NoteCancelError(e.what());
  } catch (...) {
    NoteCancelError(nullptr);
  }
  if (!u.in_flight) return;  // cancel() completed it
  RequestsManager& requests = u.op.requests();
  if (requests.size() == 0) requests.at(requests.Open("optimeout")).begin_ns = u.started_ns;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Request& r = requests.at(i);
    if (r.end_ns != 0) continue;
    r.end_ns = now;
    r.Fail(kRcTimeout, timeout_message_);
  }
  Finish(user, now);
}

void EventOperations::NoteCancelError(const char* what) {
  if (cancel_errors_++ != 0) return;
  first_cancel_error_ = fmt::format("{}: {}", cut_.load().cut_name, what != nullptr ? what : "an unknown exception");
}

void EventOperations::Link(std::uint32_t user) {
  User& u = users_[user];
  u.prev = tail_;
  u.next = kNone;
  if (tail_ != kNone) users_[tail_].next = user;
  tail_ = user;
  if (head_ == kNone) head_ = user;
}

void EventOperations::Unlink(std::uint32_t user) {
  User& u = users_[user];
  if (u.prev != kNone) users_[u.prev].next = u.next;
  if (u.next != kNone) users_[u.next].prev = u.prev;
  if (head_ == user) head_ = u.next;
  if (tail_ == user) tail_ = u.prev;
  u.prev = u.next = kNone;
}

}  // namespace pylogen::operation
