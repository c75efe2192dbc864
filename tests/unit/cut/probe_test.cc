#include "cut/probe.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace pylogen::cut {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kTestCuts = PYLOGEN_TEST_CUT_DIR;
const fs::path kSampleCuts = PYLOGEN_SAMPLE_CUT_DIR;

// True when this process has no child left, reaped or not.
bool NoChildLeft() {
  errno = 0;
  return waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

TEST(ProbeLoadTest, SoundCutComesBack) {
  for (const char* cut : {"Dummy.so", "AsyncDummy.so", "Encrypt.so", "Sign.so", "Http.so"}) {
    auto probed = ProbeLoad(kSampleCuts / cut);
    EXPECT_TRUE(probed.has_value()) << cut << ": " << probed.error();
  }
  EXPECT_TRUE(NoChildLeft());
}

TEST(ProbeLoadTest, NotACutAndWrongAbiAreLeftToTheLoader) {
  // They load and unload fine: their messages are the loader's, not the probe's.
  EXPECT_TRUE(ProbeLoad(kTestCuts / "NotACut.so").has_value());
  EXPECT_TRUE(ProbeLoad(kTestCuts / "WrongAbi.so").has_value());
  EXPECT_TRUE(ProbeLoad(kTestCuts / "Missing.so").has_value());  // dlopen() fails cleanly
  EXPECT_TRUE(NoChildLeft());
}

TEST(ProbeLoadTest, ConstructorThatCrashesKillsTheProbeNotUs) {
  auto probed = ProbeLoad(kTestCuts / "CrashOnLoad.so");
  ASSERT_FALSE(probed.has_value());
  EXPECT_EQ(probed.error(), "the loader died of SIGSEGV");
  EXPECT_TRUE(NoChildLeft());
}

TEST(ProbeLoadTest, DestructorThatCrashesIsFoundToo) {
  auto probed = ProbeLoad(kTestCuts / "CrashOnUnload.so");
  ASSERT_FALSE(probed.has_value());
  EXPECT_EQ(probed.error(),
            "the loader died of SIGSEGV while unloading it (in a static destructor?)");
  EXPECT_TRUE(NoChildLeft());
}

TEST(ProbeLoadTest, ConstructorThatHangsIsKilledAtTheBoundAndReaped) {
  auto probed = ProbeLoad(kTestCuts / "HangOnLoad.so", 200ms);
  ASSERT_FALSE(probed.has_value());
  EXPECT_EQ(probed.error(),
            "the loader did not finish within 0.2 s (a static constructor that hangs?); it was "
            "killed");
  EXPECT_TRUE(NoChildLeft());
}

TEST(ProbeLoadTest, TheDocumentedBoundIsTenSeconds) { EXPECT_EQ(kProbeTimeout, 10s); }

// SIGCHLD blocked as in pylogen: another child's end stays pending and
// unreaped, for the supervisor.
TEST(ProbeLoadTest, LeavesOtherChildrenAndTheirSigchldAlone) {
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &chld, &old), 0);
  pid_t other = fork();
  if (other == 0) _exit(7);
  ASSERT_GT(other, 0);
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, other, &info, WEXITED | WNOWAIT), 0);  // ended, not reaped

  EXPECT_TRUE(ProbeLoad(kSampleCuts / "Dummy.so").has_value());
  EXPECT_FALSE(ProbeLoad(kTestCuts / "CrashOnLoad.so").has_value());

  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGCHLD), 1);
  int status = 0;
  EXPECT_EQ(waitpid(other, &status, WNOHANG), other);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
  timespec zero{0, 0};
  while (sigtimedwait(&chld, nullptr, &zero) == SIGCHLD) {
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_TRUE(NoChildLeft());
}

}  // namespace
}  // namespace pylogen::cut
