// Dummy: a port of Pylogen's Dummy CUT, the reference for writing a CUT.
//
// --extra keys, read as Pylogen's Dummy read them (common/dummy_options.h
// has the details, shared with AsyncDummy):
//   sleep        seconds each request sleeps, a number or a string such as
//                "0.5", from 0 to 8640000 (100 days); default 1, 0 = no
//                sleep call at all
//   transaction  true, 1 or "yes" (Pylogen's usual {"transaction":1}):
//                each operation is a transaction of three requests R0-EXEC,
//                R1-EXEC, R2-EXEC. An explicit false, 0 or "no" means off,
//                as the user wrote it (Pylogen turned it on for any value
//                present). Absent or off: one request R_<length>
//   error        a positive integer n: every n-th call of this process fails
//                (rc 1, a message); 0 = none (the default)
// A value of another type or out of range fails setup() with one line naming
// the key, what it takes and the value given; any other key fails it naming
// the key and the known ones (Pylogen's Dummy ignored it), e.g.
//   Dummy: setup failed: extra.sleep: expected a number of seconds from 0 to 8640000, got "x"
//   Dummy: setup failed: extra.slep: unknown key (did you mean sleep?); known keys: error, sleep, transaction
#include <time.h>

#include <cstdint>
#include <string>

#include "common/dummy_options.h"
#include "pylogen/cut.h"

namespace {

class Dummy : public pylogen::ClassUnderTest {
 public:
  void setup() override { options_ = pylogen::cuts::ParseDummyOptions(extra()); }

  void func() override {
    if (options_.transaction) {
      Call("R0-EXEC");
      Call("R1-EXEC");
      Call("R2-EXEC");
    } else {
      Call(RequestName());
    }
  }

 private:
  // "R_<length>", rebuilt only when the length changes: no allocation per call.
  const std::string& RequestName() {
    if (length() != named_length_) {
      named_length_.assign(length());
      name_ = "R_" + named_length_;
    }
    return name_;
  }

  void Call(const std::string& name) {
    requests().exec(name, [this](pylogen::Request& request) {
      if (options_.sleep_ns > 0) {
        timespec ts{static_cast<time_t>(options_.sleep_ns / 1000000000),
                    static_cast<long>(options_.sleep_ns % 1000000000)};
        nanosleep(&ts, nullptr);
      }
      ++calls_;
      if (options_.error_every > 0 && calls_ % options_.error_every == 0) {
        request.Fail(1, "Dummy error on call " + std::to_string(calls_));
      }
    });
  }

  pylogen::cuts::DummyOptions options_;
  std::int64_t calls_ = 0;
  std::string named_length_ = "\x01";
  std::string name_;
};

}  // namespace

PYLOGEN_REGISTER_CUT(Dummy);
