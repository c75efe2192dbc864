// Test CUT, event-driven: operations that go wrong on the loop.
//   {"mode":"hang"}   a request begins and nothing ever ends it
//   {"mode":"throw"}  a request begins; its timer's callback throws, so the
//                     operation is never completed
//   {"mode":"badname"} a request named with a byte that is not UTF-8,
//                     completed at once
//   {"mode":"complete_twice"} a request, completed at once, then Complete()
//                     again (ignored by pylogen, counted)
//   {"mode":"cancel_throws"} a request begins, nothing ends it; cancel()
//                     throws "cancel broke"
//   {"mode":"teardown_throws"} a request, completed at once; teardown()
//                     throws "teardown broke"
// hang and throw end by --optimeout (rc 17); cancel() forgets the timer.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "pylogen/cut.h"
#include "pylogen/extra.h"

class EventFaults : public pylogen::EventClassUnderTest {
 public:
  void setup() override {
    mode_ = pylogen::ExtraString(extra(), "mode", "hang");
    static const std::vector<std::string> kModes = {"hang", "throw", "badname", "complete_twice",
                                                     "cancel_throws", "teardown_throws"};
    if (std::find(kModes.begin(), kModes.end(), mode_) == kModes.end()) {
      throw std::invalid_argument("mode: hang, throw, badname, complete_twice, cancel_throws or teardown_throws");
    }
    timers_.assign(concurrency(), 0);
  }
  void teardown() override {
    if (mode_ == "teardown_throws") throw std::runtime_error("teardown broke");
  }
  void start(pylogen::Operation& op) override {
    if (mode_ == "badname" || mode_ == "complete_twice" || mode_ == "teardown_throws") {
      op.End(op.Begin(mode_ == "badname" ? "BAD\xff" : "OK"));
      op.Complete();
      if (mode_ == "complete_twice") op.Complete();
      return;
    }
    op.Begin("STUCK");
    if (mode_ == "throw") {
      timers_[op.user()] = loop().AddTimer(1'000'000, [](void*) { throw std::runtime_error("timer broke"); }, nullptr);
    }
  }
  void cancel(pylogen::Operation& op) override {
    if (mode_ == "cancel_throws") throw std::runtime_error("cancel broke");
    if (timers_[op.user()] != 0) loop().CancelTimer(timers_[op.user()]);
    timers_[op.user()] = 0;
  }

 private:
  std::string mode_;
  std::vector<pylogen::EventLoop::TimerId> timers_;
};

PYLOGEN_REGISTER_CUT(EventFaults);
