// Test CUT, event-driven: prints on its stdout in setup, in each start()
// and in teardown, for the relay of a CUT's stdout (process/cut_stdout.h).
// Lines: "eventchatty <phase> pid=<pid>", phases setup, start-<n> (n = the
// process' operation count), teardown. Each operation is one request "E",
// completed at once.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "pylogen/cut.h"

class EventChatty : public pylogen::EventClassUnderTest {
 public:
  void setup() override { std::printf("eventchatty setup pid=%d\n", static_cast<int>(::getpid())); }
  void start(pylogen::Operation& op) override {
    std::cout << "eventchatty start-" << op.op_count() << " pid=" << ::getpid() << std::endl;
    op.End(op.Begin("E"));
    op.Complete();
  }
  void teardown() override { std::printf("eventchatty teardown pid=%d\n", static_cast<int>(::getpid())); }
};

PYLOGEN_REGISTER_CUT(EventChatty);
