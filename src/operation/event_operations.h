// The operations of one event-driven worker process (DESIGN §9): up to
// `concurrency` operations in flight on the process' event loop, each held by
// a user (closed: a virtual user; opened: an event's place). The event-driven
// counterpart of operation.h, sharing its reporter and local throughput.
//
// Start() hands an operation to the CUT; the CUT ends it with
// Operation::Complete(), from start() itself or from a loop callback. A
// completion is reported at once (its timing is the CUT's), and its user is
// queued for the driver, which takes it with TakeCompleted() from its own
// turn of the loop: the next operation is never started from inside the
// previous one's Complete() or start(), so nothing recurses.
//
// Operations still open after --optimeout are cancelled by ExpireOverdue():
// the CUT's cancel() is called, open requests get rc 17 and the operation is
// reported as if completed.
//
// A CUT's misuse is counted, never printed per occurrence (a CUT doing it on
// every operation would flood stderr): Complete() of an operation not in
// flight is ignored, an exception from cancel() is swallowed; the counts
// (and the first exception's text) go into the slot with the loop's figures
// (EventProcess::Publish), and the supervisor says them once for many
// processes alike.
//
// Runs in the worker process only, on its single thread. Nothing is
// allocated per operation once each operation's request storage has grown.
#ifndef PYLOGEN_OPERATION_EVENT_OPERATIONS_H_
#define PYLOGEN_OPERATION_EVENT_OPERATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "operation/event_cut_instance.h"
#include "operation/local_throughput.h"
#include "operation/op_reporter.h"
#include "pylogen/event_cut.h"
#include "shm/segment.h"

namespace pylogen::operation {

class EventOperations final : public detail::OperationHost {
 public:
  // REQUIRES: called in the worker process that owns `slot_index`.
  EventOperations(const shm::Segment& segment, std::uint32_t slot_index, std::uint16_t load,
                  double summary_s, EventCutInstance cut);
  EventOperations(const EventOperations&) = delete;
  EventOperations& operator=(const EventOperations&) = delete;

  // Starts an operation for `user` (REQUIRES: user < concurrency, not in
  // flight). `intended_mono_ns`: when the event was due (opened), 0 (closed).
  void Start(std::uint32_t user, std::size_t length_index, const std::string& length,
             std::int64_t intended_mono_ns = 0);

  // Users whose operation completed since the last call, in completion
  // order; the vector is reused (valid until the next call).
  const std::vector<std::uint32_t>& TakeCompleted();
  bool HasCompleted() const { return !completed_.empty(); }

  // Cancels the operations open for longer than --optimeout at `now`;
  // returns when the oldest open one will be overdue (kNoDeadline: none).
  std::int64_t ExpireOverdue(std::int64_t now);
  static constexpr std::int64_t kNoDeadline = INT64_MAX;

  std::uint32_t in_flight() const { return in_flight_; }
  std::uint32_t concurrency() const { return static_cast<std::uint32_t>(users_.size()); }
  std::uint64_t count() const { return count_; }
  EventCutInstance& cut() { return cut_; }
  // Complete() calls of operations not in flight (ignored).
  std::uint64_t stray_completions() const { return stray_completions_; }
  // Exceptions cancel() threw, and the first one's text ("CUT: what").
  std::uint64_t cancel_errors() const { return cancel_errors_; }
  const std::string& first_cancel_error() const { return first_cancel_error_; }

  // detail::OperationHost: the CUT ends an operation.
  void Complete(Operation& op) override;

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // One user's operation; in flight ones form a list in start order, so the
  // oldest is at the head (for --optimeout).
  struct User {
    Operation op;
    std::int64_t started_ns = 0;
    std::uint32_t prev = kNone;
    std::uint32_t next = kNone;
    bool in_flight = false;
  };
  std::uint32_t UserOf(const Operation& op) const;
  void Link(std::uint32_t user);
  void Unlink(std::uint32_t user);
  void Finish(std::uint32_t user, std::int64_t now);
  void Expire(std::uint32_t user, std::int64_t now);
  void NoteCancelError(const char* what);

  shm::Slot& slot_;
  EventCutInstance cut_;
  std::int64_t wall_offset_ns_;
  OpReporter reporter_;
  LocalThroughput throughput_;
  std::vector<User> users_;
  std::vector<std::uint32_t> completed_;
  std::vector<std::uint32_t> taken_;
  std::uint32_t head_ = kNone;  // oldest operation in flight
  std::uint32_t tail_ = kNone;
  std::uint32_t in_flight_ = 0;
  std::uint64_t count_ = 0;
  std::int64_t optimeout_ns_;
  std::string timeout_message_;
  std::uint64_t stray_completions_ = 0;
  std::uint64_t cancel_errors_ = 0;
  std::string first_cancel_error_;
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_EVENT_OPERATIONS_H_
