// Both Http engines through the real binary against one test server, route
// by route: the fast path (engine "fast") must give the records libcurl's
// multi engine (engine "curl") gives — the same names, rc values, messages
// and byte counts — and hold as many connections as there are virtual users.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "harness.h"
#include "http_server.h"

namespace pylogen::testing {
namespace {

// What a record says, without its times and pid.
using Record = std::tuple<std::string, std::int64_t, std::string, std::uint64_t, std::uint64_t>;

struct EngineRun {
  std::vector<Record> records;  // sorted
  int connections = 0;          // what the server counted
  std::size_t served = 0;       // requests the server parsed
};

struct Route {
  std::string path;
  std::string more;  // further --extra keys, each starting with ','
  std::vector<std::string> args;
  // False where what the server counts depends on timing (an answer the
  // client gave up on is counted, or not, by when the server stops).
  bool server_counts = true;
};

std::string Name(const std::string& id) {
  // ID.PID.CUTNAME.LENGTHINDEX.MANAGER.REQUEST: drop the PID.
  auto first = id.find('.');
  auto second = id.find('.', first + 1);
  return id.substr(0, first) + id.substr(second);
}

EngineRun RunEngine(const std::string& engine, const Route& route, const std::string& url) {
  HttpServer server;
  std::string target = url.empty() ? server.Url(route.path) : url;
  std::vector<std::string> args = {
      SampleCut("Http"), "--outformat", "json", "--extra",
      R"({"url":")" + target + R"(","engine":")" + engine + "\"" + route.more + "}"};
  args.insert(args.end(), route.args.begin(), route.args.end());
  auto r = RunPylogen(args, 120);
  EngineRun run;
  EXPECT_EQ(r.exit_code, 0) << engine << " " << route.path << ": " << r.err;
  for (const auto& line : JsonLines(r.out)) {
    if (line.value("nature", "") != "req") continue;
    run.records.emplace_back(Name(line.at("id").get<std::string>()),
                             line.at("rc").get<std::int64_t>(), line.value("error", ""),
                             line.at("bytes_in").get<std::uint64_t>(),
                             line.at("bytes_out").get<std::uint64_t>());
  }
  std::sort(run.records.begin(), run.records.end());
  run.connections = server.connections();
  run.served = server.requests().size();
  return run;
}

void ExpectSameRecords(const Route& route, std::size_t expected, const std::string& url = "") {
  EngineRun curl = RunEngine("curl", route, url);
  EngineRun fast = RunEngine("fast", route, url);
  ASSERT_EQ(curl.records.size(), expected) << route.path;
  ASSERT_EQ(fast.records.size(), expected) << route.path;
  for (std::size_t i = 0; i < expected; ++i) {
    EXPECT_EQ(fast.records[i], curl.records[i])
        << route.path << " record " << i << ": fast (" << std::get<1>(fast.records[i]) << ", "
        << std::get<2>(fast.records[i]) << ", " << std::get<3>(fast.records[i]) << ", "
        << std::get<4>(fast.records[i]) << ") curl (" << std::get<1>(curl.records[i]) << ", "
        << std::get<2>(curl.records[i]) << ", " << std::get<3>(curl.records[i]) << ", "
        << std::get<4>(curl.records[i]) << ")";
  }
  EXPECT_EQ(fast.connections, curl.connections) << route.path;
  if (route.server_counts) EXPECT_EQ(fast.served, curl.served) << route.path;
}

const std::vector<std::string> kTwoByTwo = {"--process", "2", "--concurrency", "2", "--loops", "5"};

TEST(HttpEngines, OkGivesTheSameRecordsAndOneConnectionPerUser) {
  ExpectSameRecords({"/ok", "", kTwoByTwo}, 20);
  EngineRun fast = RunEngine("fast", {"/ok", "", kTwoByTwo}, "");
  EXPECT_EQ(fast.connections, 4);
}

TEST(HttpEngines, NotFound) { ExpectSameRecords({"/missing", "", kTwoByTwo}, 20); }

TEST(HttpEngines, Head) { ExpectSameRecords({"/ok", R"(,"method":"HEAD")", kTwoByTwo}, 20); }

TEST(HttpEngines, ContentLengthBodiesFromOneByteToThreeMegabytes) {
  for (const char* path : {"/bytes/1", "/bytes/65536", "/bytes/3145728"}) {
    ExpectSameRecords({path, "", {"--process", "1", "--concurrency", "2", "--loops", "3"}}, 6);
  }
}

TEST(HttpEngines, ChunkedAnswers) {
  for (const char* path : {"/chunked/1", "/chunked/100000", "/chunked/3145728"}) {
    ExpectSameRecords({path, "", {"--process", "1", "--concurrency", "2", "--loops", "3"}}, 6);
  }
}

TEST(HttpEngines, EchoOfLengthBodiesFromOneByteToThreeMegabytes) {
  ExpectSameRecords({"/mirror",
                     R"(,"method":"POST")",
                     {"--process", "1", "--concurrency", "2", "--loops", "2", "--lengths",
                      "1,1000,1048576,3145728"}},
                    16);
}

TEST(HttpEngines, ConnectionClosedAfterEachAnswer) {
  ExpectSameRecords({"/close", "", {"--process", "1", "--concurrency", "2", "--loops", "4"}}, 8);
}

TEST(HttpEngines, AConnectionDroppedAfterTheFirstRequestIsReopened) {
  // The warm-up's HEAD is each connection's first request: the first timed
  // GET is dropped, sent again on a new connection, and succeeds. One user
  // per process: libcurl's multi handle pools its connections, so with two
  // users a resent request may land on the other user's once-used
  // connection and be dropped again (bytes_out then counts three heads),
  // which the fast engine, one connection per user, never does.
  const std::vector<std::string> two_processes = {"--process", "2",       "--concurrency",
                                                  "1",         "--loops", "3"};
  ExpectSameRecords({"/drop-second", "", two_processes}, 6);
  ExpectSameRecords({"/drop-second", R"(,"warmup":false)", two_processes}, 6);
}

TEST(HttpEngines, ASlowAnswerHitsTheTimeout) {
  ExpectSameRecords({"/slow",
                     R"(,"timeout":0.3)",
                     {"--process", "1", "--concurrency", "2", "--loops", "2"},
                     false},
                    4);
}

TEST(HttpEngines, ARefusedPort) {
  RefusingPort refusing;
  ExpectSameRecords({"/", "", {"--process", "1", "--concurrency", "2", "--loops", "3"}}, 6,
                    "http://127.0.0.1:" + std::to_string(refusing.port()) + "/");
}

TEST(HttpEngines, FastRefusesWhatItCannotServe) {
  auto r = RunPylogen({SampleCut("Http"), "--loops", "1", "--extra",
                       R"({"url":"https://127.0.0.1:1/","engine":"fast"})"},
                      30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("extra.engine"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pylogen::testing
