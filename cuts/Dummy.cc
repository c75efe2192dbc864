// Dummy: a port of Pylogen's Dummy CUT, the reference for writing a CUT.
//
// --extra keys:
//   sleep        seconds each request sleeps (default 1; 0 = no sleep call at all)
//   transaction  true: each operation is a transaction of three requests
//                R0-EXEC, R1-EXEC, R2-EXEC; otherwise one request R_<length>
//   error        n > 0: every n-th call of this process fails (rc 1, a message)
#include <time.h>

#include <cstdint>
#include <string>

#include "pylogen/cut.h"

namespace {

class Dummy : public pylogen::ClassUnderTest {
 public:
  void setup() override {
    const auto& extra = this->extra();
    double sleep_s = extra.value("sleep", 1.0);
    if (sleep_s < 0) throw std::invalid_argument("extra.sleep must be >= 0");
    sleep_ns_ = static_cast<std::int64_t>(sleep_s * 1e9);
    transaction_ = extra.value("transaction", false);
    error_every_ = extra.value("error", std::int64_t{0});
    if (error_every_ < 0) throw std::invalid_argument("extra.error must be >= 0");
  }

  void func() override {
    if (transaction_) {
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
      if (sleep_ns_ > 0) {
        timespec ts{static_cast<time_t>(sleep_ns_ / 1000000000), static_cast<long>(sleep_ns_ % 1000000000)};
        nanosleep(&ts, nullptr);
      }
      ++calls_;
      if (error_every_ > 0 && calls_ % error_every_ == 0) {
        request.Fail(1, "Dummy error on call " + std::to_string(calls_));
      }
    });
  }

  std::int64_t sleep_ns_ = 1000000000;
  bool transaction_ = false;
  std::int64_t error_every_ = 0;
  std::int64_t calls_ = 0;
  std::string named_length_ = "\x01";
  std::string name_;
};

}  // namespace

PYLOGEN_REGISTER_CUT(Dummy);
