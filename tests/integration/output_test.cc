// Event line formats, --output, the text summary and the JSON report, end to end.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

RunResult RunFormat(std::vector<std::string> extra_args) {
  std::vector<std::string> args = {SampleCut("Dummy"), "--process", "2", "--loops", "3",
                                   "--extra", R"({"sleep":0})", "--id", "FMT"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return RunPylogen(args);
}

TEST(Output, ShortIsTheDefaultWithPylogensColumns) {
  auto r = RunFormat({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    auto w = Words(line);
    ASSERT_EQ(w.size(), 19u) << line;
    EXPECT_EQ(w[2], "stat");
    EXPECT_EQ(w[8].rfind("FMT.", 0), 0u) << line;  // full id
    EXPECT_EQ(w[9], "req");
    EXPECT_EQ(w[10], "None");
    EXPECT_EQ(w[13], "RC");
    EXPECT_EQ(w[14], "0");
    EXPECT_EQ(w[15], "step");
    EXPECT_EQ(w[17], "t");
  }
  // The global count runs 1..6 in reading order.
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(Words(lines[i])[3], std::to_string(i + 1));
}

TEST(Output, CsvHasAHeaderAndEqualColumnCounts) {
  auto r = RunFormat({"--outformat", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("time,epoch,type,count,", 0), 0u) << lines[0];
  auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  for (const auto& line : lines) EXPECT_EQ(commas(line), commas(lines[0])) << line;
}

TEST(Output, JsonIsOneObjectPerLine) {
  auto r = RunFormat({"--outformat", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["nature"], "req");
    EXPECT_EQ(j["rc"], 0);
    EXPECT_EQ(j["length"], "0");
    EXPECT_TRUE(j["transaction"].is_null());
    EXPECT_GE(j["seconds"].get<double>(), 0);
  }
}

TEST(Output, LongIsLabelled) {
  auto r = RunFormat({"--outformat", "long"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  for (const auto& line : lines) {
    EXPECT_NE(line.find("count="), std::string::npos);
    EXPECT_NE(line.find("id=FMT."), std::string::npos);
    EXPECT_NE(line.find("rc=0"), std::string::npos);
  }
}

TEST(Output, JtlHasJMetersHeader) {
  auto r = RunFormat({"--outformat", "jtl"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0].rfind("timeStamp,elapsed,label,responseCode,responseMessage,threadName,", 0), 0u);
}

TEST(Output, UnknownFormatFallsBackToLongWithAWarning) {
  auto r = RunFormat({"--outformat", "x", "-v"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("count="), std::string::npos);
  const std::string warning =
      "unknown --outformat 'x' (expected short, csv, long, json, jtl or none): event lines use the long format";
  EXPECT_NE(r.err.find(warning + "\n"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("  - " + warning + "\n"), std::string::npos) << r.out;  // in the summary's warnings
}

// Pylogen's --out is --outformat: `--out results.csv` wrote the long format
// to stdout, made no file, and warned without naming the value or --output.
TEST(Output, AnOutformatThatLooksLikeAFileSuggestsOutput) {
  auto r = RunFormat({"--out", "results.csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  - unknown --outformat 'results.csv' (expected short, csv, long, json, jtl or none): "
                       "event lines use the long format; to write them to a file, use --output results.csv\n"),
            std::string::npos)
      << r.out;
}

TEST(Output, NoneWritesOnlyTheSummary) {
  auto r = RunFormat({"--outformat", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(EventLines(r.out).empty());
  EXPECT_NE(r.out.find("requests: 6 (0 errors)"), std::string::npos) << r.out;
}

TEST(Output, OutputFileTakesTheLinesAndStdoutTheSummary) {
  std::string file = TempPath("lines.txt");
  auto r = RunFormat({"--output", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(EventLines(r.out).empty());
  EXPECT_EQ(Lines(ReadFile(file)).size(), 6u);
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos);
}

TEST(Output, SummaryShowsNamesPercentilesAndHighWaterMarks) {
  auto r = RunFormat({"--outformat", "none", "--lengths", "1,2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"FMT.Dummy.0.Dummy.R_1", "FMT.Dummy.1.Dummy.R_2", "p99.9", "p50",
                               "high-water marks:", "records queued", "global throughput",
                               "running workers", "busy workers", "runner-1", "per id"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
}

TEST(Output, ReportHoldsTheDocumentedSchema) {
  std::string report = TempPath("report.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "2", "--loops", "5", "--id", "REP",
                       "--extra", R"({"sleep":0.001,"transaction":true})", "--outformat", "none",
                       "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["schema"], 2);
  EXPECT_EQ(j["requests"]["count"], 30);
  // The time series counts the requests only, not the transaction records.
  std::uint64_t in_intervals = 0;
  for (const auto& iv : j["intervals"]) in_intervals += iv["requests"].get<std::uint64_t>();
  EXPECT_EQ(in_intervals, 30u);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(j["transactions"]["count"], 10);
  EXPECT_GT(j["duration_s"].get<double>(), 0.005);
  EXPECT_FALSE(j["interrupted"].get<bool>());
  ASSERT_EQ(j["names"].size(), 4u);  // the transaction and its three requests
  for (const auto& n : j["names"]) {
    EXPECT_EQ(n["count"], 10);
    const auto& s = n["service"];
    for (const char* key : {"min_ns", "mean_ns", "p50_ns", "p90_ns", "p99_ns", "p99_9_ns", "max_ns"}) {
      ASSERT_TRUE(s.contains(key)) << key;
    }
    EXPECT_LE(s["min_ns"].get<double>(), s["p50_ns"].get<double>());
    EXPECT_LE(s["p50_ns"].get<double>(), s["p99_ns"].get<double>());
    EXPECT_LE(s["p99_ns"].get<double>(), s["max_ns"].get<double>());
    if (n["nature"] == "req") {
      EXPECT_GE(s["min_ns"].get<double>(), 1e6);  // slept 1 ms
    }
  }
  ASSERT_EQ(j["ids"].size(), 1u);
  EXPECT_EQ(j["ids"][0]["id"], "REP");
  EXPECT_EQ(j["ids"][0]["requests"], 30);
  EXPECT_EQ(j["workers"].size(), 2u);
  for (const char* key : {"queue_length", "throughput", "running_workers", "busy_workers"}) {
    EXPECT_TRUE(j["high_water_marks"].contains(key)) << key;
  }
  EXPECT_EQ(j["high_water_marks"]["running_workers"]["value"], 2);
}

// What `pylogen ARGS | head -N` leaves: the exit code, stderr, and the
// lines head read.
struct HeadResult {
  int exit_code = -1;
  bool timed_out = false;
  std::vector<std::string> head;
  std::string err;
};

// Runs pylogen with stdout into a pipe whose read end is closed once `lines`
// lines were read, as `| head -N` does; stderr goes to a file.
HeadResult RunIntoHead(const std::vector<std::string>& args, std::size_t lines, double timeout_s = 20) {
  HeadResult result;
  std::string err_path = TempPath("head.err");
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return result;
  pid_t pid = fork();
  if (pid == 0) {
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(pipe_fds[1], 1);
    dup2(err, 2);
    close(pipe_fds[0]);
    signal(SIGPIPE, SIG_DFL);  // as a shell leaves it
    std::vector<std::string> argv_text = args;
    std::string binary = PYLOGEN_BINARY;
    std::vector<char*> argv{binary.data()};
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string text;
  char c;
  while (result.head.size() < lines && read(pipe_fds[0], &c, 1) == 1) {
    if (c != '\n') {
      text += c;
      continue;
    }
    result.head.push_back(text);
    text.clear();
  }
  close(pipe_fds[0]);
  int status = 0;
  for (double waited = 0; waitpid(pid, &status, WNOHANG) == 0; waited += 0.05) {
    if (waited > timeout_s) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    usleep(50'000);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.err = ReadFile(err_path);
  return result;
}

// `| head -2`: the run stops as on SIGINT, exit 141, the summary on stderr,
// the report whole, and no "reader failed".
TEST(Output, ClosedStdoutPipeStopsTheRunWith141) {
  std::string report = TempPath("head.json");
  auto r = RunIntoHead({SampleCut("Dummy"), "--process", "2", "--duration", "60", "--extra",
                        R"({"sleep":0.001})", "--report", report},
                       2);
  ASSERT_FALSE(r.timed_out) << "the run went on after its stdout was closed\n" << r.err;
  EXPECT_EQ(r.head.size(), 2u);
  EXPECT_EQ(r.exit_code, 141) << r.err;
  EXPECT_EQ(r.err.find("reader failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("== pylogen summary =="), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the event-line output (stdout) was closed by its reader"), std::string::npos) << r.err;
  auto j = ReadJson(report);
  EXPECT_TRUE(j["interrupted"].get<bool>());
  EXPECT_TRUE(j["event_lines"]["closed"].get<bool>());
  EXPECT_EQ(j["event_lines"]["output"], "stdout");
  EXPECT_GT(j["requests"]["count"].get<int>(), 2);
}

// Nothing can be written to --output: the run completes, exit 1, and the
// summary, the report and stderr say how many lines were lost.
TEST(Output, OutputOnAFullDeviceFailsTheRunAndCountsTheLostLines) {
  std::string report = TempPath("full.json");
  auto r = RunFormat({"--output", "/dev/full", "--report", report});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string lost = "6 event lines could not be written to /dev/full: No space left on device";
  EXPECT_NE(r.out.find(lost), std::string::npos) << r.out;
  EXPECT_EQ(CountContaining(Lines(r.err), lost), 1u) << r.err;
  EXPECT_EQ(r.err.find("reader failed"), std::string::npos) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 6);
  EXPECT_EQ(j["event_lines"]["lost"], 6);
  EXPECT_EQ(j["event_lines"]["error"], "No space left on device");
  EXPECT_FALSE(j["event_lines"]["closed"].get<bool>());
}

// A report that cannot be written: exit 1, one line naming the file and the error.
TEST(Output, ReportOnAFullDeviceFailsTheRunWithOneLine) {
  auto r = RunFormat({"--outformat", "none", "--report", "/dev/full"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "reader: error: --report: cannot write '/dev/full': No space left on device\n");
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos) << r.out;
}

// The report's directory goes away during the run: exit 1, the line, no file.
TEST(Output, ReportWhoseDirectoryWentAwayFailsTheRun) {
  std::string dir = TempPath("gone");
  std::filesystem::create_directory(dir);
  std::string report = dir + "/r.json";
  std::thread remover([&] {
    usleep(1'000'000);  // well after main checked the directory
    std::filesystem::remove_all(dir);
  });
  auto r = RunPylogen({SampleCut("Dummy"), "--duration", "3", "--extra", R"({"sleep":0.01})", "--outformat",
                       "none", "--report", report});
  remover.join();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err, "reader: error: --report: cannot write '" + report + "': No such file or directory\n");
  EXPECT_FALSE(std::filesystem::exists(dir));
}

// The report replaces an existing file whole, by a rename: a second link to
// the old file keeps the old text, the file is untouched during the run,
// and no temporary file is left next to it.
TEST(Output, ReportReplacesAnExistingFileWhole) {
  std::string dir = TempPath("atomic");
  std::filesystem::create_directory(dir);
  std::string report = dir + "/r.json";
  std::string old_text(100'000, 'x');
  {
    std::ofstream(report) << old_text;
  }
  std::filesystem::create_hard_link(report, dir + "/old.json");
  std::string during;
  std::thread peek([&] {
    usleep(700'000);
    during = ReadFile(report);
  });
  auto r = RunPylogen({SampleCut("Dummy"), "--duration", "1.5", "--extra", R"({"sleep":0.01})", "--outformat",
                       "none", "--report", report});
  peek.join();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(during, old_text) << "the report was written in place during the run";
  EXPECT_EQ(ReadFile(dir + "/old.json"), old_text) << "the old file was overwritten, not replaced";
  auto j = ReadJson(report);
  EXPECT_TRUE(j.contains("requests") && j.contains("workers"));
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.insert(e.path().filename());
  EXPECT_EQ(names, (std::set<std::string>{"old.json", "r.json"}));
}

// pylogen started with a standard stream closed (`>&-`, `2>&-`): the stream
// is opened on /dev/null, so no pipe, segment or file of the run takes its
// number. The run completes and its report holds every request.
int RunWithClosedStream(int closed_fd, const std::string& report) {
  std::vector<std::string> args = {PYLOGEN_BINARY, SampleCut("Dummy"), "--loops", "3",
                                   "--extra", R"({"sleep":0})", "--report", report};
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2; ++fd) {
      if (fd != closed_fd) dup2(null, fd);
    }
    close(null);
    close(closed_fd);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(Output, AClosedStandardStreamIsOpenedOnDevNull) {
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    std::string report = TempPath("closed.json");
    EXPECT_EQ(RunWithClosedStream(fd, report), 0) << "fd " << fd;
    nlohmann::json r = ReadJson(report);
    EXPECT_EQ(r["requests"]["count"], 3) << "fd " << fd << ": " << r.dump().substr(0, 300);
  }
}

}  // namespace
}  // namespace pylogen::testing
