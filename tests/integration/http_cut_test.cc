// The Http sample CUT through the real binary, against a local server
// started by the test: success, statuses, transport errors, keep-alive per
// worker, bodies of the current length, and bad --extra.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"
#include "http_server.h"

namespace pylogen::testing {
namespace {

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
  EXPECT_EQ(server.requests().size(), 120u);
  EXPECT_EQ(server.connections(), 3);  // one per worker, reused 40 times
  ASSERT_EQ(j["names"].size(), 1u);
  EXPECT_EQ(j["names"][0]["name"], "Http.Http.0.Http.GET");
  EXPECT_EQ(j["names"][0]["bytes_in"], server.bytes_written());
  EXPECT_EQ(j["names"][0]["bytes_out"], server.bytes_read());
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
  int port = ClosedPort();
  auto r = RunPylogen({SampleCut("Http"), "--loops", "3", "--outformat", "csv", "--extra",
                       Extra("http://127.0.0.1:" + std::to_string(port) + "/")});
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
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 6u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].method, "POST");
    EXPECT_EQ(seen[i].body_size, i % 2 == 0 ? 16u : 4096u) << i;
  }
}

TEST(HttpCut, MissingUrlStopsTheRunAtStartup) {
  auto r = RunPylogen(
      {SampleCut("Http"), "--process", "2", "--duration", "30", "--extra", R"({"method":"GET"})"},
      20);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(r.elapsed_s, 10);
  EXPECT_NE(r.err.find(R"(--extra "url" must be given)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("requests: 0 "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace pylogen::testing
