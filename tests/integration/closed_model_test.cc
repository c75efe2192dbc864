// The closed model end to end: the real binary, real runner processes and the
// sample Dummy CUT. Counts must be exact: records = processes x loops x lengths.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

// ID.PID.OPCOUNT from a line's full id (ID.PID.CUT...) and op count.
std::string TransactionIdOf(const nlohmann::json& e) {
  std::string full = e["id"];
  std::size_t second_dot = full.find('.', full.find('.') + 1);
  return full.substr(0, second_dot) + "." + std::to_string(e["op"].get<std::uint64_t>());
}

TEST(ClosedModel, RecordsEqualProcessesTimesLoopsTimesLengths) {
  std::string report = TempPath("report.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "3", "--loops", "4", "--lengths",
                       "0,384,1024", "--extra", R"({"sleep":0})", "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(lines.size(), 3u * 4u * 3u);
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 36);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(j["transactions"]["count"], 0);
  EXPECT_EQ(j["operations"], 36);
  std::uint64_t ops = 0;
  for (const auto& w : j["workers"]) {
    EXPECT_EQ(w["state"], "ended");
    EXPECT_EQ(w["operations"], 12);
    ops += w["operations"].get<std::uint64_t>();
  }
  EXPECT_EQ(ops, 36u);
  // One name per length, each seen processes x loops times.
  EXPECT_EQ(CountContaining(lines, ".Dummy.0.Dummy.R_0 "), 12u);
  EXPECT_EQ(CountContaining(lines, ".Dummy.1.Dummy.R_384 "), 12u);
  EXPECT_EQ(CountContaining(lines, ".Dummy.2.Dummy.R_1024 "), 12u);
}

TEST(ClosedModel, TransactionAndItsRequestsShareOneId) {
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "2", "--loops", "3", "--outformat", "json",
                       "--extra", R"({"sleep":0,"transaction":true})", "--id", "TRA"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 2u * 3u * 4u);  // a transaction record + 3 requests per operation
  std::map<std::string, std::vector<nlohmann::json>> by_transaction;
  for (const auto& e : events) {
    ASSERT_TRUE(e["transaction"].is_string()) << e.dump();
    by_transaction[e["transaction"]].push_back(e);
  }
  EXPECT_EQ(by_transaction.size(), 6u);
  for (const auto& [id, group] : by_transaction) {
    ASSERT_EQ(group.size(), 4u) << id;
    std::multiset<std::string> natures, names;
    for (const auto& e : group) {
      natures.insert(e["nature"]);
      names.insert(e["id"].get<std::string>().substr(e["id"].get<std::string>().rfind('.') + 1));
      EXPECT_EQ(id, TransactionIdOf(e));
    }
    EXPECT_EQ(natures.count("tra"), 1u);
    EXPECT_EQ(natures.count("req"), 3u);
    EXPECT_TRUE(names.count("R0-EXEC") && names.count("R1-EXEC") && names.count("R2-EXEC"));
  }
  // The global count counts requests only, as Pylogen does.
  EXPECT_NE(r.out.find("requests: 18 (0 errors)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("transactions: 6"), std::string::npos);
}

TEST(ClosedModel, LoneRequestHasTransactionIdNone) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "2", "--extra", R"({"sleep":0})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) EXPECT_NE(line.find(" req None "), std::string::npos) << line;
}

TEST(ClosedModel, DummyErrorEveryNthCall) {
  std::string report = TempPath("errors.json");
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "10", "--extra", R"({"sleep":0,"error":3})",
                       "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 10);
  EXPECT_EQ(j["requests"]["errors"], 3);  // calls 3, 6, 9
  EXPECT_EQ(CountContaining(EventLines(r.out), " RC 1 "), 3u);
}

TEST(ClosedModel, DurationBoundsTheRunAndWinsOverLoops) {
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "2", "--duration", "1.5", "--loops", "1",
                       "--extra", R"({"sleep":0.1})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  // ~15 loops of 0.1 s per runner, far more than --loops 1.
  EXPECT_GE(lines.size(), 2u * 12u);
  EXPECT_LE(lines.size(), 2u * 16u);
  EXPECT_LT(r.elapsed_s, 5.0);
}

TEST(ClosedModel, PostponeAndRampupShapeTheStarts) {
  auto r = RunPylogen({SampleCut("Dummy"), "--process", "3", "--loops", "1", "--postpone", "0.3",
                       "--rampup", "0.4", "--outformat", "json", "--extra", R"({"sleep":0})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 3u);
  std::vector<double> starts;
  for (const auto& e : events) starts.push_back(e["epoch"].get<double>());
  std::sort(starts.begin(), starts.end());
  EXPECT_NEAR(starts[1] - starts[0], 0.4, 0.15);
  EXPECT_NEAR(starts[2] - starts[1], 0.4, 0.15);
  EXPECT_GE(r.elapsed_s, 0.3 + 0.8);
}

TEST(ClosedModel, PausesSlowTheLoops) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "3", "--lengths", "1,2", "--pauselen", "0.1",
                       "--pauseloop", "0.2", "--extra", R"({"sleep":0})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(EventLines(r.out).size(), 6u);
  EXPECT_GE(r.elapsed_s, 6 * 0.1 + 3 * 0.2);
}

struct ProcInfo {
  int pid = 0, ppid = 0, group = 0;
  std::string comm, cmdline;
};

std::vector<ProcInfo> Processes() {
  std::vector<ProcInfo> out;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return out;
  while (dirent* e = readdir(proc)) {
    ProcInfo p;
    p.pid = atoi(e->d_name);
    if (p.pid <= 0) continue;
    std::string dir = "/proc/" + std::string(e->d_name);
    std::string stat = ReadFile(dir + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string state;
    rest >> state >> p.ppid >> p.group;
    p.comm = ReadFile(dir + "/comm");
    if (!p.comm.empty() && p.comm.back() == '\n') p.comm.pop_back();
    p.cmdline = ReadFile(dir + "/cmdline");
    out.push_back(p);
  }
  closedir(proc);
  return out;
}

// The processes name themselves by role, as Pylogen's did: comm for top,
// the title for ps.
TEST(ClosedModel, ProcessesAreNamedByRole) {
  RunSpec spec;
  spec.args = {SampleCut("Dummy"), "--process", "2", "--duration", "2", "--extra",
               R"({"sleep":0.05})", "--outformat", "none"};
  spec.timeout_s = 30;
  RunResult result;
  std::thread runner([&] { result = RunPylogen(spec); });
  usleep(1'000'000);
  int group = 0;
  auto all = Processes();
  for (const auto& p : all) {
    if (p.ppid == getpid() && p.comm == "pylogen") group = p.pid;
  }
  std::set<std::string> comms, titles;
  for (const auto& p : all) {
    if (group != 0 && p.group == group) {
      comms.insert(p.comm);
      titles.insert(p.cmdline.substr(0, p.cmdline.find('\0')));
    }
  }
  runner.join();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_NE(group, 0) << "pylogen process not found";
  EXPECT_TRUE(comms.count("reader"));
  EXPECT_TRUE(comms.count("runner-0"));
  EXPECT_TRUE(comms.count("runner-1"));
  EXPECT_TRUE(titles.count("pylogen: runner-1"));
  EXPECT_TRUE(titles.count("pylogen: reader"));
}

}  // namespace
}  // namespace pylogen::testing

namespace pylogen::testing {
namespace {

// A pause never runs a time-bound runner past its duration (it would be
// killed as overdue).
TEST(ClosedModel, PausesStopAtTheEndOfTheDuration) {
  auto r = RunPylogen({SampleCut("Dummy"), "--duration", "1", "--pauseloop", "30", "--grace", "1",
                       "--extra", R"({"sleep":0})"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_LT(r.elapsed_s, 3);
  EXPECT_EQ(EventLines(r.out).size(), 1u);
}

}  // namespace
}  // namespace pylogen::testing
