// Test CUT, event-driven: operations that go wrong on the loop.
//   {"mode":"hang"}   a request begins and nothing ever ends it
//   {"mode":"throw"}  a request begins; its timer's callback throws, so the
//                     operation is never completed
//   {"mode":"badname"} a request named with a byte that is not UTF-8,
//                     completed at once
// Both end by --optimeout (rc 17); cancel() forgets the timer.
#include <stdexcept>
#include <string>
#include <vector>

#include "pylogen/cut.h"
#include "pylogen/extra.h"

class EventFaults : public pylogen::EventClassUnderTest {
 public:
  void setup() override {
    mode_ = pylogen::ExtraString(extra(), "mode", "hang");
    if (mode_ != "hang" && mode_ != "throw" && mode_ != "badname") {
      throw std::invalid_argument("mode: hang, throw or badname");
    }
    timers_.assign(concurrency(), 0);
  }
  void start(pylogen::Operation& op) override {
    if (mode_ == "badname") {
      op.End(op.Begin("BAD\xff"));
      op.Complete();
      return;
    }
    op.Begin("STUCK");
    if (mode_ == "throw") {
      timers_[op.user()] = loop().AddTimer(1'000'000, [](void*) { throw std::runtime_error("timer broke"); }, nullptr);
    }
  }
  void cancel(pylogen::Operation& op) override {
    if (timers_[op.user()] != 0) loop().CancelTimer(timers_[op.user()]);
    timers_[op.user()] = 0;
  }

 private:
  std::string mode_;
  std::vector<pylogen::EventLoop::TimerId> timers_;
};

PYLOGEN_REGISTER_CUT(EventFaults);
