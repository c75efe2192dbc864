// The Http sample CUT through the real binary, against a local server
// started by the test: success, statuses, transport errors, keep-alive per
// worker, one connection per virtual user (--concurrency, both models),
// bodies of the current length, and bad --extra.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"
#include "http_server.h"

namespace pylogen::testing {
namespace {

std::size_t CountMethod(const std::vector<SeenRequest>& seen, const std::string& method) {
  std::size_t n = 0;
  for (const auto& request : seen) n += request.method == method;
  return n;
}

std::string Extra(const std::string& url, const std::string& more = "") {
  return R"({"url":")" + url + "\"" + more + "}";
}

TEST(HttpCut, EveryWorkerKeepsOneConnectionAlive) {
  HttpServer server;
  std::string report = TempPath("http.json");
  auto r = RunPylogen({SampleCut("Http"), "--process", "3", "--loops", "40", "--outformat", "none",
                       "--extra", Extra(server.Url("/ok")), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 120);
  EXPECT_EQ(j["requests"]["errors"], 0);
  auto seen = server.requests();
  EXPECT_EQ(CountMethod(seen, "GET"), 120u);
  EXPECT_EQ(CountMethod(seen, "HEAD"), 3u);  // each worker's untimed warm-up in setup()
  EXPECT_EQ(server.connections(), 3);        // one per worker, opened in setup(), reused 40 times
  for (const auto& request : seen) {
    if (request.method == "HEAD") {
      EXPECT_EQ(request.index, 1) << "the warm-up opens the connection";
    }
  }
  ASSERT_EQ(j["names"].size(), 1u);
  EXPECT_EQ(j["names"][0]["name"], "Http.Http.0.Http.GET");
  EXPECT_GT(j["names"][0]["bytes_in"].get<std::uint64_t>(), 120u * 5);
}

TEST(HttpCut, WithoutWarmUpTheRecordsHoldEveryByteExchanged) {
  HttpServer server;
  std::string report = TempPath("http.json");
  auto r =
      RunPylogen({SampleCut("Http"), "--process", "2", "--loops", "10", "--outformat", "none",
                  "--extra", Extra(server.Url("/ok"), R"(,"warmup":false)"), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(server.requests().size(), 20u);
  EXPECT_EQ(server.connections(), 2);
  EXPECT_EQ(j["names"][0]["bytes_in"], server.bytes_written());
  EXPECT_EQ(j["names"][0]["bytes_out"], server.bytes_read());
}

// --process 2 --concurrency 8: 16 virtual users, 16 connections, each
// opened by the warm-up and reused by every request.
TEST(HttpCut, EveryVirtualUserHoldsOneConnection) {
  HttpServer server;
  std::string report = TempPath("http.json");
  auto r =
      RunPylogen({SampleCut("Http"), "--process", "2", "--concurrency", "8", "--loops", "20",
                  "--outformat", "none", "--extra", Extra(server.Url("/ok")), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 320);
  EXPECT_EQ(j["requests"]["errors"], 0);
  auto seen = server.requests();
  EXPECT_EQ(CountMethod(seen, "HEAD"), 16u);
  EXPECT_EQ(CountMethod(seen, "GET"), 320u);
  EXPECT_EQ(server.connections(), 16);
}

// Without the warm-up, the users' first requests, in flight at once, open
// the 16 connections.
TEST(HttpCut, EveryVirtualUserHoldsOneConnectionWithoutWarmUp) {
  HttpServer server;
  std::string report = TempPath("http.json");
  auto r = RunPylogen({SampleCut("Http"), "--process", "2", "--concurrency", "8", "--loops", "20",
                       "--outformat", "none", "--extra",
                       Extra(server.Url("/ok"), R"(,"warmup":false)"), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["requests"]["count"], 320);
  EXPECT_EQ(j["requests"]["errors"], 0);
  EXPECT_EQ(server.requests().size(), 320u);
  EXPECT_EQ(server.connections(), 16);
  EXPECT_EQ(j["names"][0]["bytes_in"], server.bytes_written());
  EXPECT_EQ(j["names"][0]["bytes_out"], server.bytes_read());
}

// An opened worker holds --concurrency places, each with its connection.
TEST(HttpCut, AnOpenedWorkerHoldsOneConnectionPerPlace) {
  HttpServer server;
  std::string report = TempPath("http.json");
  auto r = RunPylogen({SampleCut("Http"), "--openedmodel", "--schedule", "1@50", "--concurrency",
                       "4", "--prefork", "1", "--maxworkers", "1", "--outformat", "none", "--extra",
                       Extra(server.Url("/ok")), "--report", report});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ReadJson(report);
  EXPECT_EQ(j["opened"][0]["events"]["served"], 50);
  EXPECT_EQ(j["requests"]["count"], 50);
  EXPECT_EQ(j["requests"]["errors"], 0);
  auto seen = server.requests();
  EXPECT_EQ(CountMethod(seen, "HEAD"), 4u);
  EXPECT_EQ(CountMethod(seen, "GET"), 50u);
  EXPECT_EQ(server.connections(), 4);
}

TEST(HttpCut, NotFoundIsAnErrorWithTheStatusAsRc) {
  HttpServer server;
  auto r = RunPylogen({SampleCut("Http"), "--loops", "5", "--outformat", "csv", "--extra",
                       Extra(server.Url("/missing"))});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(CountContaining(lines, ",404,"), 5u) << r.out;
  EXPECT_EQ(CountContaining(lines, "HTTP 404"), 5u) << r.out;
  EXPECT_NE(r.out.find("requests: 5 (5 errors)"), std::string::npos) << r.out;
}

TEST(HttpCut, ConnectionRefusedGivesCurlsCodeAndMessage) {
  RefusingPort refusing;
  auto r = RunPylogen({SampleCut("Http"), "--loops", "3", "--outformat", "csv", "--extra",
                       Extra("http://127.0.0.1:" + std::to_string(refusing.port()) + "/")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(CountContaining(lines, ",7,"), 3u) << r.out;
  EXPECT_EQ(CountContaining(lines, "Couldn't connect to server"), 3u) << r.out;
}

TEST(HttpCut, PostBodiesFollowTheLengths) {
  HttpServer server;
  auto r = RunPylogen({SampleCut("Http"), "--lengths", "16,4096", "--loops", "3", "--outformat",
                       "none", "--extra", Extra(server.Url("/echo"), R"(,"method":"POST")")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<SeenRequest> posts;
  for (const auto& request : server.requests()) {
    if (request.method == "POST") posts.push_back(request);
  }
  ASSERT_EQ(posts.size(), 6u);
  for (std::size_t i = 0; i < posts.size(); ++i) {
    EXPECT_EQ(posts[i].body_size, i % 2 == 0 ? 16u : 4096u) << i;
  }
}

TEST(HttpCut, MissingUrlStopsTheRunAtStartup) {
  auto r = RunPylogen(
      {SampleCut("Http"), "--process", "2", "--duration", "30", "--extra", R"({"method":"GET"})"},
      20);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_NE(r.err.find(R"(extra.url: must be given)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("requests: 0 "), std::string::npos) << r.out;
}

// An answer later than --optimeout: the request gets rc 17 and its
// connection is dropped, so the next request opens another.
TEST(HttpCut, AnOperationPastOptimeoutIsCancelledWithItsConnection) {
  HttpServer server;
  auto r = RunPylogen({SampleCut("Http"), "--loops", "2", "--optimeout", "0.2", "--outformat",
                       "csv", "--extra", Extra(server.Url("/slow"), R"(,"warmup":false)")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = EventLines(r.out);
  EXPECT_EQ(CountContaining(lines, ",17,"), 2u) << r.out;
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpCut, AnUnknownEngineStopsTheRunAtStartup) {
  auto r = RunPylogen({SampleCut("Http"), "--concurrency", "4", "--duration", "30", "--extra",
                       Extra("http://127.0.0.1:1/", R"(,"engine":"libcurl")")},
                      20);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(R"(extra.engine: expected "auto", "fast" or "curl", got "libcurl")"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace pylogen::testing
