// AsyncDummy: Dummy on the event loop, the reference for writing an
// event-driven CUT (include/pylogen/event_cut.h). One process holds up to
// --concurrency operations in flight; a sleep is a timer, not a blocked
// process, so `--concurrency 10000` with `sleep 1` keeps 10,000 in flight.
//
// --extra keys, exactly Dummy's (cuts/common/dummy_options.h):
//   sleep        seconds each request waits, from 0 to 8640000 (default 1;
//                0: it completes inside start(), without a timer)
//   transaction  present (and not false/0): each operation is a transaction
//                of three requests R0-EXEC, R1-EXEC, R2-EXEC, one after the
//                other; otherwise one request R_<length>
//   error        a positive integer n: every n-th request of this process
//                fails (rc 1); 0 = none (the default)
// Any other key fails setup(), naming it and the known ones.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "common/dummy_options.h"
#include "pylogen/cut.h"

namespace {

class AsyncDummy : public pylogen::EventClassUnderTest {
 public:
  void setup() override {
    options_ = pylogen::cuts::ParseDummyOptions(extra());
    pending_.resize(concurrency());
    for (Pending& p : pending_) p.cut = this;
  }

  void start(pylogen::Operation& op) override {
    Pending& p = pending_[op.user()];
    p.op = &op;
    p.stage = 0;
    Begin(p);
  }

  void cancel(pylogen::Operation& op) override {
    Pending& p = pending_[op.user()];
    if (p.timer != 0) loop().CancelTimer(p.timer);
    p.timer = 0;
    p.op = nullptr;
  }

 private:
  // One operation in flight: which request it is at, and its timer.
  struct Pending {
    AsyncDummy* cut = nullptr;
    pylogen::Operation* op = nullptr;
    int stage = 0;  // index of the request under way
    std::size_t request = 0;
    pylogen::EventLoop::TimerId timer = 0;
  };

  static constexpr const char* kStages[] = {"R0-EXEC", "R1-EXEC", "R2-EXEC"};

  // Begins the request of p's stage; with no sleep it ends at once.
  void Begin(Pending& p) {
    p.request = p.op->Begin(options_.transaction ? kStages[p.stage] : RequestName(*p.op));
    if (options_.sleep_ns == 0) {
      End(p);
      return;
    }
    p.timer = loop().AddTimer(options_.sleep_ns, &AsyncDummy::OnTimer, &p);
  }

  static void OnTimer(void* arg) {
    Pending& p = *static_cast<Pending*>(arg);
    p.timer = 0;
    p.cut->End(p);
  }

  void End(Pending& p) {
    pylogen::Operation& op = *p.op;
    if (options_.error_every > 0 && ++calls_ % options_.error_every == 0) {
      op.End(p.request, 1, ErrorText());
    } else {
      op.End(p.request);
    }
    if (options_.transaction && ++p.stage < 3) {
      Begin(p);
      return;
    }
    p.op = nullptr;
    op.Complete();
  }

  // "R_<length>", rebuilt only when the length changes: no allocation per call.
  const std::string& RequestName(const pylogen::Operation& op) {
    if (op.length() != named_length_) {
      named_length_.assign(op.length());
      name_ = "R_" + named_length_;
    }
    return name_;
  }

  // Formatted in place: the error path allocates nothing either.
  std::string_view ErrorText() {
    int n = std::snprintf(error_, sizeof error_, "AsyncDummy error on call %lld",
                          static_cast<long long>(calls_));
    std::size_t size = n > 0 ? static_cast<std::size_t>(n) : 0;
    return std::string_view(error_, size < sizeof error_ ? size : sizeof error_ - 1);
  }

  pylogen::cuts::DummyOptions options_;
  std::vector<Pending> pending_;
  std::int64_t calls_ = 0;
  std::string named_length_ = "\x01";
  std::string name_;
  char error_[pylogen::kErrorCapacity];
};

}  // namespace

PYLOGEN_REGISTER_CUT(AsyncDummy);
