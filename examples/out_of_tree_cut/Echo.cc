// Echo: a complete CUT written out of pylogen's tree. Each operation is one
// request that copies --extra's "text" the current length's number of times
// and counts the bytes it made.
#include <string>

#include "pylogen/cut.h"
#include "pylogen/extra.h"

class Echo : public pylogen::ClassUnderTest {
 public:
  void setup() override {
    pylogen::ExtraCheckKeys(extra(), {"text"});  // a typo of a key is a setup error
    text_ = pylogen::ExtraString(extra(), "text", "echo");
  }

  void func() override {
    requests().exec("ECHO", [this](pylogen::Request& request) {
      buffer_.clear();
      for (std::int64_t i = 0; i < length_value(); ++i) buffer_ += text_;
      request.AddBytes(buffer_.size(), text_.size());
    });
  }

 private:
  std::string text_;
  std::string buffer_;
};

PYLOGEN_REGISTER_CUT(Echo);
