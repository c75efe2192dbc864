#include "output/sink.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace pylogen::output {
namespace {

TEST(FdSink, WritesWholeLines) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  FdSink sink(fds[1]);
  fmt::format_to(std::back_inserter(sink.buffer()), "a\nb\n");
  sink.Flush();
  char text[8] = {};
  ASSERT_EQ(read(fds[0], text, sizeof text), 4);
  EXPECT_STREQ(text, "a\nb\n");
  EXPECT_FALSE(sink.failed());
  EXPECT_EQ(sink.lost_lines(), 0u);
  close(fds[0]);
  close(fds[1]);
}

// ENOSPC: a write error, not a closed pipe; the lines are counted, the
// first error kept, nothing more is tried.
TEST(FdSink, CountsTheLinesAFullDeviceLost) {
  int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  FdSink sink(fd);
  fmt::format_to(std::back_inserter(sink.buffer()), "1\n2\n3\n");
  sink.Flush();
  EXPECT_TRUE(sink.failed());
  EXPECT_FALSE(sink.closed());
  EXPECT_EQ(sink.error_number(), ENOSPC);
  EXPECT_EQ(sink.error(), "No space left on device");
  sink.Write("4\n");
  sink.Discard(2);
  EXPECT_EQ(sink.lost_lines(), 6u);
  EXPECT_EQ(sink.lost_bytes(), 8u);
  close(fd);
}

// A pipe whose reader went away: closed(), not a death by SIGPIPE.
TEST(FdSink, TellsAClosedPipe) {
  auto previous = signal(SIGPIPE, SIG_IGN);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  FdSink sink(fds[1]);
  sink.Write("x\ny\n");
  EXPECT_TRUE(sink.closed());
  EXPECT_TRUE(sink.failed());
  EXPECT_EQ(sink.lost_lines(), 2u);
  close(fds[1]);
  signal(SIGPIPE, previous);
}

}  // namespace
}  // namespace pylogen::output
