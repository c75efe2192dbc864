// SIGINT and SIGTERM at every moment of a run (issue 10, item 3): a signal
// sent at a sweep of moments after exec, to runs of both models and to runs
// whose --output is a FIFO that gets a reader late, ends the run: exit 130
// (0 when the run had already finished; killed by the signal itself when it
// came before main() could block it), no process left, and the report is
// either complete JSON or absent/empty. And --output FIFOs whose reader
// never comes, goes away, or never reads.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

constexpr int kSweepMs[] = {0, 1, 2, 5, 10, 20, 50, 100, 200, 500};

// Reads a FIFO in the test process, as a user's `cat` would: it opens it
// `delay_s` after Start(), then reads everything (`read` true) or nothing,
// and closes it after `keep_bytes` bytes (0: only when Stop() is called).
class FifoReader {
 public:
  FifoReader(std::string path, double delay_s, bool read = true, std::size_t keep_bytes = 0)
      : path_(std::move(path)), delay_s_(delay_s), read_(read), keep_bytes_(keep_bytes) {
    if (mkfifo(path_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + path_);
    thread_ = std::thread([this] { Run(); });
  }
  ~FifoReader() { Stop(); }
  void Stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::size_t bytes() const { return bytes_; }

 private:
  void Run() {
    for (double waited = 0; waited < delay_s_ && !done_; waited += 0.01) usleep(10000);
    if (done_) return;
    int fd = open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return;
    char buffer[65536];
    while (true) {
      if (!read_) {
        if (done_) break;
        usleep(10000);
        continue;
      }
      pollfd p{fd, POLLIN, 0};
      poll(&p, 1, 20);
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) bytes_ += static_cast<std::size_t>(n);
      if (n <= 0 && done_) break;  // drained after the run
      if (n <= 0) usleep(5000);    // no writer yet, or gone
      if (keep_bytes_ != 0 && bytes_ >= keep_bytes_) break;
    }
    close(fd);
  }
  std::string path_;
  double delay_s_;
  bool read_;
  std::size_t keep_bytes_;
  std::atomic<bool> done_{false};
  std::atomic<std::size_t> bytes_{0};
  std::thread thread_;
};

class Signals : public ::testing::Test {
 protected:
  void SetUp() override { shm_before_ = ShmEntries(); }
  void ExpectNothingLeft(const RunResult& r, const std::string& what) {
    EXPECT_TRUE(GroupGone(r.pgid, 5)) << what << ": processes of the run are still alive";
    std::set<std::string> before(shm_before_.begin(), shm_before_.end());
    for (const auto& name : ShmEntries()) EXPECT_TRUE(before.count(name)) << what << ": /dev/shm/" << name;
  }
  // Complete JSON (the whole report) or nothing at all.
  static void ExpectReportWholeOrEmpty(const std::string& path, const std::string& what) {
    if (!std::filesystem::exists(path)) return;
    std::string text = ReadFile(path);
    if (text.empty()) return;
    auto j = nlohmann::json::parse(text, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << what << ": the report is not valid JSON: " << text.substr(0, 200);
    EXPECT_TRUE(j.contains("requests") && j.contains("workers")) << what << ": " << text.substr(0, 200);
  }
  static void ExpectEndedBy(const RunResult& r, int signo, const std::string& what) {
    EXPECT_FALSE(r.timed_out) << what;
    bool before_main = r.exit_code == -1 && r.term_signal == signo;
    EXPECT_TRUE(r.exit_code == 130 || r.exit_code == 0 || before_main)
        << what << ": exit " << r.exit_code << ", signal " << r.term_signal << "\n" << r.err;
  }
  void Sweep(const std::vector<std::string>& args, const std::string& model) {
    for (int signo : {SIGTERM, SIGINT}) {
      for (int ms : kSweepMs) {
        std::string what = fmt::format("{} {} at {} ms", model, strsignal(signo), ms);
        std::string report = TempPath("sweep.json");
        RunSpec spec;
        spec.args = args;
        spec.args.insert(spec.args.end(), {"--report", report, "--outformat", "none"});
        spec.timeout_s = 60;
        spec.signals = {{ms / 1000.0, signo, ""}};
        auto r = RunPylogen(spec);
        ExpectEndedBy(r, signo, what);
        ExpectReportWholeOrEmpty(report, what);
        ExpectNothingLeft(r, what);
      }
    }
  }
  std::vector<std::string> shm_before_;
};

TEST_F(Signals, ClosedModelStopsAtEveryMoment) {
  Sweep({SampleCut("Dummy"), "--process", "2", "--duration", "30", "--extra", R"({"sleep":0.01})"},
        "closed");
}

TEST_F(Signals, OpenedModelStopsAtEveryMoment) {
  Sweep({SampleCut("Dummy"), "--openedmodel", "--schedule", "50@30", "--prefork", "2", "--extra",
         R"({"sleep":0.01})"},
        "opened");
}

TEST_F(Signals, FifoOutputWithALateReaderStopsAtEveryMoment) {
  for (int ms : kSweepMs) {
    int signo = ms % 20 == 0 ? SIGINT : SIGTERM;
    std::string what = fmt::format("FIFO {} at {} ms", strsignal(signo), ms);
    std::string fifo = TempPath("late.fifo");
    std::string report = TempPath("late.json");
    FifoReader reader(fifo, 0.1);
    RunSpec spec;
    spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "30", "--extra", R"({"sleep":0.01})",
                 "--output", fifo, "--report", report};
    spec.signals = {{ms / 1000.0, signo, ""}};
    auto r = RunPylogen(spec);
    reader.Stop();
    ExpectEndedBy(r, signo, what);
    ExpectReportWholeOrEmpty(report, what);
    ExpectNothingLeft(r, what);
    if (r.err.find("interrupted while waiting for a reader") != std::string::npos) {
      EXPECT_EQ(Lines(r.err).size(), 1u) << what << "\n" << r.err;
      EXPECT_FALSE(std::filesystem::exists(report)) << what << ": the report was created";
    }
  }
}

TEST_F(Signals, FifoWithoutReaderIsLeftOnSigterm) {
  for (int signo : {SIGTERM, SIGINT}) {
    std::string fifo = TempPath("noreader.fifo");
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    std::string report = TempPath("noreader.json");
    RunSpec spec;
    spec.args = {SampleCut("Dummy"), "--loops", "1", "--output", fifo, "--report", report};
    spec.signals = {{1.0, signo, ""}};
    spec.timeout_s = 30;
    auto r = RunPylogen(spec);
    EXPECT_FALSE(r.timed_out) << "a FIFO without reader held the run: only SIGKILL ended it";
    EXPECT_EQ(r.exit_code, 130) << r.err;
    auto err = Lines(r.err);
    ASSERT_EQ(err.size(), 1u) << r.err;
    EXPECT_EQ(err[0], "pylogen: error: interrupted while waiting for a reader on --output FIFO '" + fifo + "'");
    EXPECT_FALSE(std::filesystem::exists(report)) << "the report was created";
    EXPECT_TRUE(r.out.empty()) << r.out;
    ExpectNothingLeft(r, "no reader");
  }
}

TEST_F(Signals, ReportFifoWithoutReaderIsLeftOnSigint) {
  std::string fifo = TempPath("report.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string lines = TempPath("lines.txt");
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--loops", "1", "--output", lines, "--report", fifo};
  spec.signals = {{1.0, SIGINT, ""}};
  spec.timeout_s = 30;
  auto r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_EQ(r.err, "pylogen: error: interrupted while waiting for a reader on --report FIFO '" + fifo + "'\n");
  EXPECT_FALSE(std::filesystem::exists(lines)) << "--output was created before the FIFO had a reader";
  ExpectNothingLeft(r, "report FIFO");
}

TEST_F(Signals, FifoWithAReaderIsWrittenLikeAFile) {
  std::string fifo = TempPath("read.fifo");
  FifoReader reader(fifo, 0.3);
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "5", "--extra", R"({"sleep":0})", "--output", fifo});
  reader.Stop();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(reader.bytes(), 0u) << r.out;
  EXPECT_EQ(EventLines(r.out).size(), 0u) << r.out;  // the lines went to the FIFO
  ExpectNothingLeft(r, "read FIFO");
}

// The FIFO's reader goes away: the run stops by itself as on SIGINT (issue
// 12, item 5), exit 141, the summary on stdout (only --output broke).
TEST_F(Signals, FifoWhoseReaderGoesAwayStopsTheRunWith141) {
  std::string fifo = TempPath("gone.fifo");
  std::string report = TempPath("gone.json");
  FifoReader reader(fifo, 0, true, 4096);  // reads 4 KiB, then closes
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "60", "--extra", R"({"sleep":0.001})",
               "--output", fifo, "--report", report};
  spec.timeout_s = 30;
  auto r = RunPylogen(spec);
  reader.Stop();
  EXPECT_FALSE(r.timed_out) << "the run went on after the FIFO's reader went away";
  EXPECT_EQ(r.exit_code, 141) << r.err;
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the event-line output (" + fifo + ") was closed by its reader"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.err.find("reader failed"), std::string::npos) << r.err;
  ExpectReportWholeOrEmpty(report, "reader gone");
  EXPECT_TRUE(ReadJson(report)["event_lines"]["closed"].get<bool>());
  ExpectNothingLeft(r, "reader gone");
}

// A SIGINT while the run stops because the FIFO closed: the run was
// interrupted as well, 130 wins over 141, and a second SIGINT would be
// needed to stop at once. A fast load fills and closes the FIFO; a slow one
// holds the stop open (5 s calls, --grace 10) when SIGINT comes.
TEST_F(Signals, SigintDuringAnOutputClosedStopExitsWith130) {
  std::string dir = TempPath("both");
  std::filesystem::create_directories(dir);
  std::string fifo = dir + "/lines.fifo";
  FifoReader reader(fifo, 0, true, 4096);
  {
    std::ofstream file(dir + "/s.txt");
    file << SampleCut("Dummy") << " --id FAST --proc 1 --duration 60 --extra {\"sleep\":0.001}\n"
         << SampleCut("Dummy") << " --id SLOW --proc 1 --duration 60 --extra {\"sleep\":5}\n";
  }
  RunSpec spec;
  spec.args = {"scenario", "--file", dir + "/s.txt", "--grace", "10", "--output", fifo, "-v"};
  spec.timeout_s = 30;
  spec.signals = {{2.5, SIGINT, ""}};
  auto r = RunPylogen(spec);
  reader.Stop();
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "the event-line output was closed: stopping"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "already stopping (the event-line output was closed)"), 1u) << r.err;
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos) << r.out;
  ExpectNothingLeft(r, "SIGINT after the close");
}

TEST_F(Signals, FifoThatIsNeverReadStillStops) {
  std::string fifo = TempPath("stuck.fifo");
  std::string report = TempPath("stuck.json");
  FifoReader reader(fifo, 0, false);  // opens it, never reads
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "30", "--extra", R"({"sleep":0})",
               "--grace", "1", "--output", fifo, "--report", report};
  spec.signals = {{2.0, SIGTERM, ""}};
  auto r = RunPylogen(spec);
  reader.Stop();
  EXPECT_FALSE(r.timed_out) << "a FIFO nobody reads held the run after SIGTERM";
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("the reader was still writing 1 s after the stop"), std::string::npos) << r.err;
  ExpectReportWholeOrEmpty(report, "stuck FIFO");
  ExpectNothingLeft(r, "stuck FIFO");
}

}  // namespace
}  // namespace pylogen::testing

namespace pylogen::testing {
namespace {

// Signals are said by name ("killed by Killed" said nothing).
TEST(SignalNames, AKilledReaderIsSaidByTheSignalsName) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "1", "--duration", "5", "--extra", R"({"sleep":0.01})",
               "--outformat", "none"};
  spec.timeout_s = 30;
  spec.signals = {{1.0, SIGKILL, "reader"}};
  RunResult r = RunPylogen(spec);
  EXPECT_NE(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("(killed by SIGKILL)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Killed"), std::string::npos) << r.err;
}

TEST(SignalNames, AStopIsSaidByTheSignalsName) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "1", "--duration", "5", "--extra", R"({"sleep":0.01})",
               "--outformat", "none", "-v"};  // the stop is a warning: said at -v
  spec.timeout_s = 30;
  spec.signals = {{0.8, SIGTERM, ""}};
  RunResult r = RunPylogen(spec);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("SIGTERM: stopping; calls in flight have"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pylogen::testing
