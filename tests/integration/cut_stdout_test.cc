// A CUT's stdout never reaches the event lines (process/cut_stdout.h): with
// the chatty test CUTs, every event line parses in each format, the summary
// is intact, and stderr holds each line the CUT printed exactly once,
// prefixed with its process' role.
#include <signal.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// What each process' CUT printed, as the relay said it on stderr: role ->
// its lines (the text after "ROLE: stdout: "), in order.
using Said = std::map<std::string, std::vector<std::string>>;

Said StdoutLinesOf(const std::string& err) {
  static const std::regex kLine(R"(^((?:runner|worker)-[0-9]+): stdout: (.*)$)");
  Said said;
  for (const std::string& line : Lines(err)) {
    std::smatch m;
    if (std::regex_match(line, m, kLine)) said[m[1]].push_back(m[2]);
  }
  return said;
}

std::size_t Count(const std::vector<std::string>& lines, const std::string& line) {
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), line));
}

// The pid a process' chatty lines carry ("... pid=123").
std::string PidOf(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (auto at = line.rfind(" pid="); at != std::string::npos) return line.substr(at + 5);
  }
  return "";
}

// Every line of Chatty but its exec lines, once, in the process `role`.
void ExpectChattyPhases(const std::string& role, const std::vector<std::string>& lines) {
  std::string pid = PidOf(lines);
  ASSERT_FALSE(pid.empty()) << role;
  for (const char* phase : {"ctor", "setup", "teardown"}) {
    for (const char* means : {"printf", "cout", "write"}) {
      std::string line = fmt::format("chatty {} {} pid={}", phase, means, pid);
      EXPECT_EQ(Count(lines, line), 1u) << role << ": " << line;
    }
  }
  // 10000 x after the tag: three pieces, each prefixed, each written whole
  // within PIPE_BUF (4096) bytes with its prefix and newline.
  std::string tag = fmt::format("chatty long pid={} ", pid);
  std::string all = tag + std::string(10000, 'x');
  std::size_t piece = 4096 - fmt::format("{}: stdout: ", role).size() - 1;
  auto first = std::find(lines.begin(), lines.end(), all.substr(0, piece));
  ASSERT_NE(first, lines.end()) << role << ": the long line's first piece";
  ASSERT_LT(first + 2, lines.end());
  EXPECT_EQ(first[1], all.substr(piece, piece));
  EXPECT_EQ(first[2], all.substr(2 * piece));
  // The line without a newline, last, with one added.
  EXPECT_EQ(lines.back(), fmt::format("chatty last pid={}", pid)) << role;
}

// Each exec line of Chatty once per call, calls 1..calls, in `role`.
void ExpectChattyExecs(const std::string& role, const std::vector<std::string>& lines, int calls) {
  std::string pid = PidOf(lines);
  for (int n = 1; n <= calls; ++n) {
    for (const char* means : {"printf", "cout", "write"}) {
      std::string line = fmt::format("chatty exec-{} {} pid={}", n, means, pid);
      EXPECT_EQ(Count(lines, line), 1u) << role << ": " << line;
    }
  }
  EXPECT_EQ(CountContaining(lines, fmt::format("chatty exec-{} ", calls + 1)), 0u) << role;
}

// No line of pylogen's stdout is the CUT's, none on stderr lacks the prefix
// (lines of several processes never mixed mid-line) but the static
// destructor's, said once the summary is out.
void ExpectKeptApart(const RunResult& r, const std::string& word) {
  EXPECT_EQ(r.out.find(word), std::string::npos) << r.out;
  static const std::regex kPrefixed(R"(^(pylogen|runner-[0-9]+|worker-[0-9]+): stdout: .*)");
  for (const std::string& line : Lines(r.err)) {
    if (line.find(word) == std::string::npos || line.rfind("chatty static-fini ", 0) == 0) continue;
    EXPECT_TRUE(std::regex_match(line, kPrefixed)) << line;
  }
}

// The static constructor's line, prefixed by the supervisor's role, and the
// destructor's, once each.
void ExpectChattyStatics(const RunResult& r) {
  auto err = Lines(r.err);
  EXPECT_EQ(CountContaining(err, "pylogen: stdout: chatty static-init pid="), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "chatty static-init"), 1u) << r.err;
  EXPECT_EQ(CountContaining(err, "chatty static-fini pid="), 1u) << r.err;
}

void ExpectSummary(const RunResult& r) {
  EXPECT_NE(r.out.find("== pylogen summary =="), std::string::npos) << r.out;
}

RunResult RunChatty(std::vector<std::string> args) {
  std::vector<std::string> all = {TestCut("Chatty"), "--id", "CHAT"};
  all.insert(all.end(), args.begin(), args.end());
  return RunPylogen(all);
}

// Two runners of three calls each, their lines checked.
void ExpectTwoChattyRunners(const RunResult& r) {
  Said said = StdoutLinesOf(r.err);
  ASSERT_EQ(said.size(), 2u) << r.err;
  for (const auto& [role, lines] : said) {
    EXPECT_EQ(role.rfind("runner-", 0), 0u) << role;
    ExpectChattyPhases(role, lines);
    ExpectChattyExecs(role, lines, 3);
  }
  ExpectKeptApart(r, "chatty");
  ExpectChattyStatics(r);
  ExpectSummary(r);
}

TEST(CutStdout, CsvLinesStayParseable) {
  auto r = RunChatty({"--process", "2", "--loops", "3", "--outformat", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 7u) << r.out;
  EXPECT_EQ(lines[0].rfind("time,epoch,type,count,", 0), 0u) << lines[0];
  auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  for (const auto& line : lines) EXPECT_EQ(commas(line), commas(lines[0])) << line;
  ExpectTwoChattyRunners(r);
}

TEST(CutStdout, JsonLinesStayParseable) {
  auto r = RunChatty({"--process", "2", "--loops", "3", "--outformat", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  for (const auto& line : lines) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_EQ(j["nature"], "req") << line;
    EXPECT_TRUE(j["id"].get<std::string>().ends_with(".CHAT")) << line;
  }
  ExpectTwoChattyRunners(r);
}

TEST(CutStdout, ShortLinesStayParseable) {
  auto r = RunChatty({"--process", "2", "--loops", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  for (const auto& line : lines) EXPECT_NE(line.find(" stat "), std::string::npos) << line;
  ExpectTwoChattyRunners(r);
}

TEST(CutStdout, RedirectedAlsoWhenTheEventLinesGoToAFile) {
  std::string out = TempPath("chatty.csv");
  auto r = RunChatty({"--process", "2", "--loops", "3", "--outformat", "csv", "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string file = ReadFile(out);
  EXPECT_EQ(file.find("chatty"), std::string::npos) << file;
  EXPECT_EQ(Lines(file).size(), 7u) << file;
  Said said = StdoutLinesOf(r.err);
  ASSERT_EQ(said.size(), 2u) << r.err;
  for (const auto& [role, lines] : said) ExpectChattyPhases(role, lines);
  ExpectKeptApart(r, "chatty");
}

TEST(CutStdout, NothingIsLostWhenTheCutFillsThePipeManyTimes) {
  // 2000 lines of ~40 bytes per call, 2 calls: about 160 KiB per process,
  // more than twice a pipe's 64 KiB.
  auto r = RunChatty({"--process", "2", "--loops", "2", "--outformat", "csv", "--extra", R"({"repeat":2000})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(EventLines(r.out).size(), 5u);
  Said said = StdoutLinesOf(r.err);
  ASSERT_EQ(said.size(), 2u);
  for (const auto& [role, lines] : said) {
    std::string pid = PidOf(lines);
    for (int n = 1; n <= 2; ++n) {
      std::set<std::string> seen;
      std::string tag = fmt::format("chatty exec-{} printf pid={} #", n, pid);
      for (const std::string& line : lines) {
        if (line.rfind(tag, 0) == 0) {
          EXPECT_TRUE(seen.insert(line).second) << role << ": twice: " << line;
        }
      }
      EXPECT_EQ(seen.size(), 1999u) << role << " exec-" << n;
    }
    ExpectChattyPhases(role, lines);
  }
  ExpectKeptApart(r, "chatty");
}

TEST(CutStdout, OpenedWorkersAreRelayedToo) {
  std::string report = TempPath("chatty-opened.json");
  auto r = RunChatty({"--openedmodel", "--schedule", "1@10", "--prefork", "2", "--outformat", "json",
                      "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  EXPECT_EQ(events.size(), 10u);
  ExpectSummary(r);
  Said said = StdoutLinesOf(r.err);
  ASSERT_FALSE(said.empty()) << r.err;
  std::size_t execs = 0;
  for (const auto& [role, lines] : said) {
    EXPECT_EQ(role.rfind("worker-", 0), 0u) << role;
    ExpectChattyPhases(role, lines);
    std::size_t calls = CountContaining(lines, " printf pid=") - 3;  // ctor, setup, teardown
    ExpectChattyExecs(role, lines, static_cast<int>(calls));
    execs += calls;
  }
  EXPECT_EQ(execs, 10u);
  ExpectKeptApart(r, "chatty");
}

TEST(CutStdout, EventDrivenRunnersAreRelayedToo) {
  auto r = RunPylogen({TestCut("EventChatty"), "--process", "2", "--concurrency", "3", "--loops", "4",
                       "--outformat", "csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_GT(lines.size(), 1u);
  auto commas = [](const std::string& s) { return std::count(s.begin(), s.end(), ','); };
  for (const auto& line : lines) EXPECT_EQ(commas(line), commas(lines[0])) << line;
  ExpectSummary(r);
  Said said = StdoutLinesOf(r.err);
  ASSERT_EQ(said.size(), 2u) << r.err;
  std::size_t starts = 0;
  for (const auto& [role, printed] : said) {
    std::string pid = PidOf(printed);
    EXPECT_EQ(printed.front(), "eventchatty setup pid=" + pid) << role;
    EXPECT_EQ(printed.back(), "eventchatty teardown pid=" + pid) << role;
    std::size_t mine = CountContaining(printed, "eventchatty start-");
    for (std::size_t n = 1; n <= mine; ++n) {
      EXPECT_EQ(Count(printed, fmt::format("eventchatty start-{} pid={}", n, pid)), 1u) << role << " " << n;
    }
    starts += mine;
  }
  EXPECT_EQ(starts, lines.size() - 1);  // one request per operation, the csv header apart
  ExpectKeptApart(r, "eventchatty");
}

// A CUT that forks a process holding its stdout pipe (and the relay's stop
// pipe): the runner ends when its work is done, not when that process does.
TEST(CutStdout, AProcessTheCutForkedDoesNotHoldItsRunner) {
  RunSpec spec;
  spec.args = {TestCut("Chatty"), "--id", "CHAT", "--loops", "2", "--extra",
               R"({"fork_sleeper":30})"};
  spec.timeout_s = 15;  // the sleeper sleeps 30 s: waiting for it would time out
  auto r = RunPylogen(spec);
  pid_t sleeper = 0;
  for (const std::string& line : Lines(r.err)) {
    if (auto at = line.find("chatty sleeper pid="); at != std::string::npos) {
      sleeper = std::stoi(line.substr(at + 19));
    }
  }
  if (sleeper > 0) ::kill(sleeper, SIGKILL);
  EXPECT_FALSE(r.timed_out) << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(sleeper, 0) << "the CUT's line naming the forked process: " << r.err;
  Said said = StdoutLinesOf(r.err);
  ASSERT_EQ(said.size(), 1u) << r.err;
  ExpectChattyExecs(said.begin()->first, said.begin()->second, 2);
}

}  // namespace
}  // namespace pylogen::testing
