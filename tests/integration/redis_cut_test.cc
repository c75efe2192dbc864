// The Redis sample CUT through the real binary, against a redis-server the
// test starts on a free port (tests/support/redis_server.h): PING, SET with
// {n}/{payload} checked in the server, an error reply, one connection per
// virtual user, a killed server and the reconnect, and bad --extra.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "redis_server.h"

namespace pylogen::testing {
namespace {

std::string Extra(const RedisServer& server, const std::string& more = "") {
  return R"({"port":)" + std::to_string(server.port()) + more + "}";
}

TEST(RedisCut, PingRepliesAreSuccessesWithTheirRespSizes) {
  RedisServer server;
  std::string report = TempPath("redis.json");
  auto r = RunPylogen({SampleCut("Redis"), "--loops", "5", "--outformat", "json", "--extra",
                       Extra(server), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 5u) << r.out;
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 0) << e.dump();
    EXPECT_EQ(e["bytes_out"], 14) << "*1\\r\\n$4\\r\\nPING\\r\\n";
    EXPECT_EQ(e["bytes_in"], 7) << "+PONG\\r\\n";
    EXPECT_NE(e["id"].get<std::string>().find(".Redis.PING"), std::string::npos) << e.dump();
  }
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["errors"], 0);
}

TEST(RedisCut, SetWritesOneKeyPerOperationWithAValueOfTheLength) {
  RedisServer server;
  auto r = RunPylogen({SampleCut("Redis"), "--concurrency", "2", "--loops", "3", "--lengths",
                       "16,384", "--outformat", "json", "--extra",
                       Extra(server, R"(,"command":["SET","k:{n}","{payload}"])")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 12u) << r.out;
  std::map<std::string, int> sizes;  // value size -> keys
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 0) << e.dump();
    EXPECT_EQ(e["bytes_in"], 5) << "+OK\\r\\n";
    std::string n = std::to_string(e["op"].get<std::uint64_t>());
    std::string length = e["length"];
    // "*3\r\n" "$3\r\nSET\r\n" "$<len>\r\nk:<n>\r\n" "$<length>\r\n<payload>\r\n"
    auto bulk = [](std::size_t size) { return 1 + std::to_string(size).size() + 2 + size + 2; };
    std::size_t out = 4 + bulk(3) + bulk(2 + n.size()) + bulk(std::stoul(length));
    EXPECT_EQ(e["bytes_out"], out) << e.dump();
    EXPECT_EQ(server.Call({"STRLEN", "k:" + n}), length) << "k:" << n;
  }
  EXPECT_EQ(server.Call({"DBSIZE"}), "12");
  for (int n = 1; n <= 12; ++n) ++sizes[server.Call({"STRLEN", "k:" + std::to_string(n)})];
  EXPECT_EQ(sizes, (std::map<std::string, int>{{"16", 6}, {"384", 6}}));
  EXPECT_EQ(server.Call({"GET", "k:1"}).find_first_not_of('x'), std::string::npos);
}

TEST(RedisCut, AnErrorReplyIsRcOneWithItsText) {
  RedisServer server;
  ASSERT_EQ(server.Call({"SET", "a-string-key", "not a number"}), "OK");
  auto r = RunPylogen({SampleCut("Redis"), "--loops", "3", "--outformat", "json", "--extra",
                       Extra(server, R"(,"command":["INCR","a-string-key"])")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 3u) << r.out;
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 1) << e.dump();
    // The server's text, cut to the record's 47 bytes.
    EXPECT_EQ(e["error"], std::string("ERR value is not an integer or out of range").substr(0, 47));
    EXPECT_NE(e["id"].get<std::string>().find(".Redis.INCR"), std::string::npos) << e.dump();
  }
  EXPECT_NE(r.out.find("requests: 3 (3 errors)"), std::string::npos) << r.out;
}

TEST(RedisCut, ALengthThatIsNotAByteCountFailsThatOperationOnly) {
  RedisServer server;
  auto r =
      RunPylogen({SampleCut("Redis"), "--loops", "1", "--lengths", "8,big", "--outformat", "json",
                  "--extra", Extra(server, R"(,"command":["SET","k:{n}","{payload}"])")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 2u) << r.out;
  EXPECT_EQ(events[0]["rc"], 0);
  EXPECT_EQ(events[1]["rc"], 100);
  EXPECT_EQ(events[1]["error"], "length 'big' is not a byte count");
  EXPECT_EQ(server.Call({"DBSIZE"}), "1");
}

TEST(RedisCut, EveryVirtualUserHoldsItsOwnConnection) {
  RedisServer server;
  std::int64_t before = server.Info("total_connections_received");
  auto r = RunPylogen({SampleCut("Redis"), "--process", "2", "--concurrency", "3", "--loops", "20",
                       "--outformat", "none", "--extra", Extra(server), "--report",
                       TempPath("users.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Six users, six connections opened in setup() and reused 20 times each.
  EXPECT_EQ(server.Info("total_connections_received") - before, 6);
  EXPECT_GE(server.Info("total_commands_processed"), 120);
}

TEST(RedisCut, AServerDownAtSetupShowsInTheOperationsAsTransportErrors) {
  int port = 0;
  {
    RedisServer gone;
    port = gone.port();
  }
  auto r = RunPylogen({SampleCut("Redis"), "--loops", "2", "--outformat", "json", "--extra",
                       R"({"port":)" + std::to_string(port) + "}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 2u) << r.out;
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 2) << e.dump();
    EXPECT_EQ(e["error"], "Connection refused") << e.dump();
  }
}

// A pylogen run in a thread of its own, interrupted (SIGINT) by the test
// once it has seen what it waits for.
class BackgroundRun {
 public:
  explicit BackgroundRun(std::vector<std::string> args)
      : marker_("redis-bg-" + std::to_string(getpid()) + "-" + std::to_string(++runs_)) {
    args.insert(args.end(), {"--id", marker_});
    thread_ = std::thread([this, args] { result_ = RunPylogen(args, 120); });
  }
  ~BackgroundRun() {
    if (thread_.joinable()) Finish();
  }

  // SIGINT to pylogen (the process whose group it leads), then its result.
  RunResult Finish() {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream in(entry.path() / "cmdline");
      std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      pid_t pid = std::stoi(name);
      if (cmdline.find(marker_) != std::string::npos && getpgid(pid) == pid) kill(pid, SIGINT);
    }
    thread_.join();
    return result_;
  }

 private:
  static inline int runs_ = 0;
  std::string marker_;
  std::thread thread_;
  RunResult result_;
};

// The rc of each event line written so far to `path` (--outformat json).
std::vector<int> Rcs(const std::string& path) {
  std::vector<int> rcs;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.front() != '{') continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_discarded()) rcs.push_back(j["rc"]);
  }
  return rcs;
}

// Waits (at most 60 s, then fails) until `done` holds.
bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 6000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::size_t Count(const std::vector<int>& rcs, int rc, std::size_t from = 0) {
  std::size_t n = 0;
  for (std::size_t i = from; i < rcs.size(); ++i) n += rcs[i] == rc;
  return n;
}

TEST(RedisCut, AKilledServerGivesTransportErrorsThenTheUsersReconnect) {
  RedisServer server;
  std::string lines = TempPath("reconnect.jsonl");
  BackgroundRun run({SampleCut("Redis"), "--concurrency", "2", "--duration", "100", "--pauseloop",
                     "0.01", "--outformat", "json", "--output", lines, "--extra",
                     Extra(server, R"(,"command":["INCR","counter"])")});
  ASSERT_TRUE(WaitFor([&] { return Count(Rcs(lines), 0) >= 10; })) << "no successes";
  EXPECT_EQ(server.Info("connected_clients"), 3) << "two users, and the test's own";
  server.Kill();
  ASSERT_TRUE(WaitFor([&] { return Count(Rcs(lines), 2) >= 4; })) << "no transport errors";
  server.Restart();
  std::size_t failed_at = 0;
  ASSERT_TRUE(WaitFor([&] {
    auto rcs = Rcs(lines);
    for (std::size_t i = 0; i < rcs.size(); ++i) {
      if (rcs[i] == 2) failed_at = i;
    }
    return Count(rcs, 0, failed_at) >= 10;
  })) << "no successes after the restart";
  EXPECT_EQ(server.Info("connected_clients"), 3) << "both users reconnected, once each";
  auto r = run.Finish();
  EXPECT_EQ(r.exit_code, 130) << r.err;
  // Successes, then transport errors only, then successes: nothing else.
  auto rcs = Rcs(lines);
  std::size_t first_error = 0;
  while (first_error < rcs.size() && rcs[first_error] == 0) ++first_error;
  std::size_t last_error = rcs.size();
  while (last_error > 0 && rcs[last_error - 1] == 0) --last_error;
  ASSERT_GE(first_error, 10u);
  ASSERT_LT(last_error, rcs.size());
  for (std::size_t i = first_error; i < last_error; ++i) EXPECT_EQ(rcs[i], 2) << i;
  // The successes after the restart were the new server's: its counter
  // started at 0 (and may hold the INCR of an operation the SIGINT cut short).
  std::size_t counter = std::stoul(server.Call({"GET", "counter"}));
  EXPECT_GE(counter, rcs.size() - last_error);
  EXPECT_LE(counter, rcs.size() - last_error + 2);
}

TEST(RedisCut, ATimeoutIsRcThreeAndDropsTheConnection) {
  RedisServer server;
  std::int64_t before = server.Info("total_connections_received");
  // CLIENT PAUSE holds every reply for 3 s (the test's INFO below too); the
  // CUT waits 0.2 s.
  ASSERT_EQ(server.Call({"CLIENT", "PAUSE", "3000"}), "OK");
  auto r = RunPylogen({SampleCut("Redis"), "--loops", "2", "--outformat", "json", "--extra",
                       Extra(server, R"(,"timeout":0.2)")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 2u) << r.out;
  for (const auto& e : events) {
    EXPECT_EQ(e["rc"], 3) << e.dump();
    EXPECT_EQ(e["error"], "no reply within timeout 0.2s") << e.dump();
  }
  // The setup connection, then the second operation's reconnect.
  EXPECT_EQ(server.Info("total_connections_received") - before, 2);
}

TEST(RedisCut, AnOperationPastOptimeoutIsCancelledAndItsConnectionDropped) {
  RedisServer server;
  std::int64_t before = server.Info("total_connections_received");
  ASSERT_EQ(server.Call({"CLIENT", "PAUSE", "3000"}), "OK");
  auto r = RunPylogen({SampleCut("Redis"), "--loops", "2", "--optimeout", "0.2", "--outformat",
                       "json", "--extra", Extra(server, R"(,"timeout":60)")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto events = JsonLines(r.out);
  ASSERT_EQ(events.size(), 2u) << r.out;
  for (const auto& e : events) EXPECT_EQ(e["rc"], 17) << e.dump();
  // A late reply must not be taken for the next command's: each cancel
  // dropped its connection, and the second operation opened a new one.
  EXPECT_EQ(server.Info("total_connections_received") - before, 2);
}

TEST(RedisCut, InTheOpenedModelEachEventSlotHoldsAConnection) {
  RedisServer server;
  std::int64_t before = server.Info("total_connections_received");
  std::string report = TempPath("opened.json");
  auto r = RunPylogen({SampleCut("Redis"), "--openedmodel", "--schedule", "1@200", "--concurrency",
                       "4", "--prefork", "1", "--maxworkers", "1", "--outformat", "none", "--extra",
                       Extra(server, R"(,"command":["INCR","hits"])"), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 200);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(server.Call({"GET", "hits"}), "200");
  EXPECT_EQ(server.Info("total_connections_received") - before, 4);
}

TEST(RedisCut, BadExtraStopsTheRunAtStartupNamingTheKey) {
  struct Case {
    std::string extra;
    std::string message;
  };
  const Case cases[] = {
      {R"({"hots":"x"})",
       "extra.hots: unknown key (did you mean host?); known keys: command, connect_timeout, host"},
      {R"({"port":99999})", "extra.port: expected a TCP port from 1 to 65535, got 99999"},
      {R"({"command":"PING"})", "extra.command: expected a non-empty JSON array of strings"},
      {R"({"timeout":"x"})", "extra.timeout: expected a number, got \"x\""},
  };
  for (const Case& c : cases) {
    auto r = RunPylogen(
        {SampleCut("Redis"), "--process", "2", "--duration", "30", "--extra", c.extra}, 20);
    EXPECT_EQ(r.exit_code, 3) << c.extra << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.extra << "\n" << r.err;
  }
}

}  // namespace
}  // namespace pylogen::testing
