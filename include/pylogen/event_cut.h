// pylogen SDK — event-driven CUTs: many operations in flight in one process.
//
// A blocking CUT (cut.h) holds one call in flight per process. An
// event-driven CUT derives from EventClassUnderTest instead: one instance per
// process keeps up to --concurrency operations in flight on the process' one
// event loop, in one thread. It starts an operation in start(), waits on file
// descriptors and timers through loop(), and ends the operation with
// Operation::Complete(), in any order. It needs no thread and is never called
// from another thread. PYLOGEN_REGISTER_CUT registers either kind.
//
// Lifecycle, in every worker process (closed runner or opened worker), after
// fork:
//
//   [constructor]                  once; an exception fails the process
//   setup()                        once, loop() usable; an exception fails the
//                                  process with "setup failed: ...", exit 3
//                                  (opened: a preforked worker's stops the load)
//   start(op)   * many             one per operation, up to --concurrency at
//                                  a time; op.Complete() ends each, from
//                                  start() itself or from a loop callback
//   cancel(op)  * rarely           an operation still open after --optimeout
//                                  (default 60 s): its open requests get rc 17,
//                                  it is reported, its slot is freed; after
//                                  cancel() returns the CUT must not touch op
//   teardown()                     once, after the last operation completed
//                                  (not after a kill at the end of --grace)
//   [destructor]
//
// Closed model (--process P --concurrency C): P processes of C virtual users
// each; user k runs in process k mod P, starts at postpone + k x rampup and
// does what a blocking runner does: --loops or --duration (from its own
// start), one operation per value of --lengths, --pauselen/--pauseloop as
// timers that never block the other users. op.user() is 0..C-1 in the
// process. Opened model: a worker takes up to C events from the jobs queue;
// op.user() is the slot the event holds until it completes, op.intended_ns()
// when the event was due.
//
// Costs: a hook not overridden costs nothing (setup/teardown/cancel are empty
// virtuals, called once). The host never starts an operation from inside
// Complete() or start(): an operation completed inside its own start() is
// followed by the next start() from the loop, never recursively.
//
// Records are the blocking kind's: one record per request, preceded by a
// transaction record sharing the transaction id when the operation made
// several requests. Requests of one operation may overlap; the transaction
// then lasts from the first begin to the last end.
#ifndef PYLOGEN_EVENT_CUT_H_
#define PYLOGEN_EVENT_CUT_H_

#include <cstdint>
#include <exception>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "pylogen/context.h"
#include "pylogen/requests.h"

namespace pylogen {

// rc of a request still open when its operation passed --optimeout.
inline constexpr int kRcTimeout = 17;

// The process' event loop as a CUT sees it: fd watches and one-shot timers,
// what hiredis' adapters and libcurl's multi socket interface
// (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION) expect. A library with
// an epoll fd of its own is driven by watching that one fd.
//
// Callbacks are plain function pointers with a user argument: nothing is
// allocated per watch or per timer once the loop's tables have grown. A
// callback may add or remove watches and timers, its own included, and
// complete operations. An exception escaping a callback is caught by the
// loop, logged once with its message and counted in the summary; the
// operation it was serving then ends by --optimeout.
class EventLoop {
 public:
  using FdCallback = void (*)(void* arg, int fd, std::uint32_t events);
  using TimerCallback = void (*)(void* arg);
  using TimerId = std::uint64_t;  // 0 is never a valid timer

  // Event bits of Watch() and of an FdCallback's `events`.
  static constexpr std::uint32_t kReadable = 1;
  static constexpr std::uint32_t kWritable = 2;
  static constexpr std::uint32_t kError = 4;  // error or hang-up; reported, never asked for
  // With kReadable/kWritable: when several processes watch one file (a
  // shared eventfd, a listening socket), an event wakes one of them, not all
  // (EPOLLEXCLUSIVE). Such a watch is re-registered, not modified, by Watch().
  static constexpr std::uint32_t kExclusive = 8;

  // Watches `fd` for `events` (kReadable, kWritable or both, and maybe
  // kExclusive), replacing any
  // watch of `fd`. Level-triggered. Returns 0, or an errno value (EBADF,
  // EPERM for a regular file, ENOMEM...).
  virtual int Watch(int fd, std::uint32_t events, FdCallback callback, void* arg) = 0;
  // Stops watching `fd`. Call it before closing `fd`. No effect when unwatched.
  virtual void Unwatch(int fd) = 0;

  // Calls `callback(arg)` once, `delay_ns` from now (0: on the next turn of
  // the loop, never from inside this call).
  virtual TimerId AddTimer(std::int64_t delay_ns, TimerCallback callback, void* arg) = 0;
  // Cancels a timer that has not fired; false when it already fired or was
  // cancelled. Cheap: cancelled timers are dropped lazily.
  virtual bool CancelTimer(TimerId id) = 0;

  // The monotonic clock (nanoseconds), as MonotonicNanos().
  std::int64_t Now() const { return MonotonicNanos(); }

 protected:
  ~EventLoop() = default;  // owned by the host
};

class Operation;

namespace detail {
// The host side of operations. Called by pylogen only.
class OperationHost {
 public:
  virtual void Complete(Operation& op) = 0;

 protected:
  ~OperationHost() = default;
};
}  // namespace detail

// One operation in flight: what to do (length, user, intended time) and the
// requests it makes. Owned by the host, reused after Complete(); valid from
// start(op) until op.Complete() (or cancel(op)) returns.
// Allocation: each operation slot keeps its request storage, so after warm-up
// nothing is allocated per operation.
class Operation {
 public:
  // The current length token (a value of --lengths), its number (0 when not
  // a number) and its index in --lengths.
  std::string_view length() const { return length_; }
  std::int64_t length_value() const { return length_value_; }
  std::size_t length_index() const { return length_index_; }
  // Closed: the virtual user, 0..C-1 in this process. Opened: the slot the
  // event holds until it completes, 0..C-1.
  std::uint32_t user() const { return user_; }
  // The process' operation count, this operation included (1-based).
  std::uint64_t op_count() const { return op_count_; }
  // Opened model: when the event was due (monotonic ns); 0 in the closed model.
  std::int64_t intended_ns() const { return intended_ns_; }

  // Begins the request `name` now; returns its index in this operation.
  std::size_t Begin(std::string_view name) {
    std::size_t index = requests_.Open(name);
    requests_.at(index).begin_ns = MonotonicNanos();
    return index;
  }
  // Ends request `index` now, with its rc as set so far (0 unless failed).
  void End(std::size_t index) { requests_.at(index).end_ns = MonotonicNanos(); }
  // Ends request `index` now with `rc` and, when rc != 0, the error text.
  void End(std::size_t index, int rc, std::string_view error = {}) {
    Request& r = requests_.at(index);
    r.end_ns = MonotonicNanos();
    if (rc != 0) r.Fail(rc, error);
  }
  // The request at `index`: Fail(), AddBytes().
  Request& request(std::size_t index) { return requests_.at(index); }

  // Runs `fn` synchronously as one request, as RequestsManager::exec does.
  template <class Fn>
  int exec(std::string_view name, Fn&& fn) {
    return requests_.exec(name, std::forward<Fn>(fn));
  }

  // The MANAGERNAME part of this operation's full ids (the CUT's name by
  // default; set_name() changes it for this operation).
  RequestsManager& requests() { return requests_; }

  // Ends the operation: requests still open are ended now, the records are
  // reported and the slot goes back to the host. Call it exactly once.
  void Complete() { host_->Complete(*this); }

  // ---- Called by pylogen only. ----
  void Prepare(detail::OperationHost* host, std::uint32_t user) {
    host_ = host;
    user_ = user;
  }
  void Reset(std::size_t length_index, std::string_view length, std::int64_t length_value,
             std::uint64_t op_count, std::int64_t intended_ns, const char* manager_name) {
    requests_.Reset();
    requests_.set_name(manager_name);
    length_index_ = length_index;
    length_ = length;
    length_value_ = length_value;
    op_count_ = op_count;
    intended_ns_ = intended_ns;
  }

 private:
  detail::OperationHost* host_ = nullptr;
  RequestsManager requests_;
  std::string_view length_;
  std::int64_t length_value_ = 0;
  std::size_t length_index_ = 0;
  std::uint32_t user_ = 0;
  std::uint64_t op_count_ = 0;
  std::int64_t intended_ns_ = 0;
};

class EventClassUnderTest {
 public:
  virtual ~EventClassUnderTest() = default;

  // Starts one operation; completes it with op.Complete(), now or later. An
  // exception escaping start() fails the operation: a request named "start"
  // with rc 16 and the message is added and the operation completed (unless
  // start() completed it already).
  virtual void start(Operation& op) = 0;

  virtual void setup() {}     // once, before the first start()
  virtual void teardown() {}  // once, after the last operation completed
  // `op` passed --optimeout: stop everything that refers to it (timers,
  // watches, library handles). Its requests still open get rc 17.
  virtual void cancel(Operation& op) { (void)op; }

  EventLoop& loop() const { return *loop_; }
  // --extra, parsed; an object (empty when none was given).
  const nlohmann::json& extra() const { return extra_; }
  const Context& context() const { return *context_; }
  // Operations this instance may hold in flight at once (--concurrency).
  std::uint32_t concurrency() const { return concurrency_; }

  // ---- Called by pylogen only. ----
  void BindHost(const Context* context, nlohmann::json extra, EventLoop* loop,
                std::uint32_t concurrency) {
    context_ = context;
    extra_ = std::move(extra);
    loop_ = loop;
    concurrency_ = concurrency;
  }

 private:
  const Context* context_ = nullptr;
  nlohmann::json extra_ = nlohmann::json::object();
  EventLoop* loop_ = nullptr;
  std::uint32_t concurrency_ = 1;
};

}  // namespace pylogen

#endif  // PYLOGEN_EVENT_CUT_H_
