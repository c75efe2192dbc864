// pylogen SDK — requests, the executor and the requests manager.
//
// A CUT does its work as named *requests*. Each request runs through
// RequestsManager::exec, the executor: it reads the monotonic clock before and
// after the call, turns an exception into rc kRcException (16) with the
// exception's message, and appends the result to the manager. After func()
// returns, pylogen turns the manager's requests into stat records: one record
// per request, preceded by a transaction record when there were several.
//
// Threading: a manager belongs to one CUT instance, which lives in one worker
// process and is only ever called from that process' single thread.
// Allocation: the manager keeps its storage across operations, so after the
// first few operations exec() allocates nothing.
#ifndef PYLOGEN_REQUESTS_H_
#define PYLOGEN_REQUESTS_H_

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace pylogen {

// rc of a request whose code threw, as in Pylogen.
inline constexpr int kRcException = 16;
// Capacities of the bounded texts, terminating NUL included. Longer texts are
// truncated, never overflowed.
inline constexpr std::size_t kNameCapacity = 32;
inline constexpr std::size_t kErrorCapacity = 48;

// Copies `text` into `dest` (capacity bytes), truncating, always NUL-terminated.
inline void CopyBounded(char* dest, std::size_t capacity, std::string_view text) {
  std::size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
  std::memcpy(dest, text.data(), n);
  dest[n] = '\0';
}

// Monotonic clock in nanoseconds (CLOCK_MONOTONIC, a vDSO call on Linux).
inline std::int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// One timed call. Filled by the executor; the callable may set rc, an error
// text and byte counts through the reference it is handed.
struct Request {
  char name[kNameCapacity];
  char error[kErrorCapacity];
  std::int64_t begin_ns;  // monotonic
  std::int64_t end_ns;    // monotonic
  std::uint64_t bytes_in;
  std::uint64_t bytes_out;
  int rc;

  // Marks the request failed with `code` and a message (truncated).
  void Fail(int code, std::string_view message) {
    rc = code;
    CopyBounded(error, kErrorCapacity, message);
  }
  void AddBytes(std::uint64_t in, std::uint64_t out) {
    bytes_in += in;
    bytes_out += out;
  }
  std::int64_t duration_ns() const { return end_ns - begin_ns; }
};

// The requests of one operation, and the executor that times them.
class RequestsManager {
 public:
  // `name` is the MANAGERNAME part of every full id (truncated to 31 bytes).
  explicit RequestsManager(std::string_view name = "") { set_name(name); }

  void set_name(std::string_view name) { CopyBounded(name_, kNameCapacity, name); }
  const char* name() const { return name_; }

  // Runs `fn` as the request `request_name` and returns its rc.
  // `fn` is called as fn(Request&) when it accepts one, else as fn(). An
  // integer result is the rc (0 = success); a void one means success unless
  // fn called Request::Fail. An exception gives rc kRcException and its
  // what() as the error text.
  // REQUIRES: not called from inside another exec() of the same manager.
  template <class Fn>
  int exec(std::string_view request_name, Fn&& fn) {
    std::size_t index = done_.size();
    done_.emplace_back();
    Request& request = done_[index];
    CopyBounded(request.name, kNameCapacity, request_name);
    request.begin_ns = MonotonicNanos();
    try {
      Invoke(std::forward<Fn>(fn), request);
    } catch (const std::exception& e) {
      request.Fail(kRcException, e.what());
    } catch (...) {
      request.Fail(kRcException, "unknown exception");
    }
    request.end_ns = MonotonicNanos();
    return request.rc;
  }

  // Appends the request `name`, zeroed, untimed; returns its index. For
  // requests timed by hand (event-driven CUTs: Operation::Begin/End).
  std::size_t Open(std::string_view request_name) {
    std::size_t index = done_.size();
    done_.emplace_back();
    CopyBounded(done_[index].name, kNameCapacity, request_name);
    return index;
  }
  // The request at `index`. REQUIRES: index < size(). Hold indexes, not
  // references, across Open()/exec(): the storage may move while it grows.
  Request& at(std::size_t index) { return done_[index]; }

  // The requests made since the last Reset(), in call order.
  const Request* begin() const { return done_.data(); }
  const Request* end() const { return done_.data() + done_.size(); }
  std::size_t size() const { return done_.size(); }

  // Called by pylogen before each operation; keeps the storage.
  void Reset() { done_.clear(); }

 private:
  // Calls fn with or without the request; an integer result becomes the rc,
  // a void one leaves the rc as the callable set it (0 unless it called Fail).
  template <class Fn>
  static void Invoke(Fn&& fn, Request& request) {
    if constexpr (std::is_invocable_v<Fn, Request&>) {
      if constexpr (std::is_void_v<std::invoke_result_t<Fn, Request&>>) {
        std::forward<Fn>(fn)(request);
      } else {
        request.rc = static_cast<int>(std::forward<Fn>(fn)(request));
      }
    } else if constexpr (std::is_void_v<std::invoke_result_t<Fn>>) {
      std::forward<Fn>(fn)();
    } else {
      request.rc = static_cast<int>(std::forward<Fn>(fn)());
    }
  }

  char name_[kNameCapacity];
  std::vector<Request> done_;
};

}  // namespace pylogen

#endif  // PYLOGEN_REQUESTS_H_
