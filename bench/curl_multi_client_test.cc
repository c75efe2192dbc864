// Tests of bench/curl_multi_client (the bare libcurl reference of
// bench/http.sh): it runs the built program against the loopback test
// server (tests/support/http_server.h) and checks its JSON line against
// what the server saw — every transfer counted once, N handles on N kept
// connections, statuses and transport failures as errors, bad arguments as
// one line and exit 2.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "http_server.h"

namespace {

struct ClientRun {
  int rc = -1;
  std::string out;
  std::string err;
};

ClientRun RunClient(const std::string& args) {
  char err_path[] = "/tmp/curl_multi_client_test.XXXXXX";
  int fd = mkstemp(err_path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::string cmd = std::string(CURL_MULTI_CLIENT) + " " + args + " 2>" + err_path;
  ClientRun r;
  FILE* p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  unlink(err_path);
  return r;
}

int ClosedPort() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

TEST(CurlMultiClient, CountsWhatTheServerServedOnOneConnectionPerHandle) {
  pylogen::testing::HttpServer server;
  ClientRun r = RunClient(server.Url("/ok") + " --connections 4 --duration 0.3");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["requests"].get<int>(), 4);
  EXPECT_EQ(j["requests"].get<std::size_t>(), server.requests().size());
  EXPECT_EQ(j["errors"], 0);
  EXPECT_EQ(j["connections"], 4);
  EXPECT_EQ(j["connects"], 4);
  EXPECT_EQ(server.connections(), 4);
  EXPECT_EQ(r.err, "");
}

TEST(CurlMultiClient, SendsTheGivenHeaders) {
  pylogen::testing::HttpServer server;
  ClientRun r =
      RunClient(server.Url("/ok") + " --connections 1 --duration 0.05 --header 'X-Bench: yes'");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto seen = server.requests();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().headers["x-bench"], "yes");
}

TEST(CurlMultiClient, CountsAStatusOutside200To399AsAnError) {
  pylogen::testing::HttpServer server;
  ClientRun r = RunClient(server.Url("/missing") + " --connections 2 --duration 0.1");
  ASSERT_EQ(r.rc, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["requests"].get<int>(), 0);
  EXPECT_EQ(j["status_errors"], j["requests"]);
  EXPECT_EQ(j["transport_errors"], 0);
}

TEST(CurlMultiClient, ARefusedPortFailsEveryRequestAndExitsOne) {
  ClientRun r = RunClient("http://127.0.0.1:" + std::to_string(ClosedPort()) +
                          "/ --connections 2 --duration 0.05");
  EXPECT_EQ(r.rc, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_GT(j["requests"].get<int>(), 0);
  EXPECT_EQ(j["transport_errors"], j["requests"]);
  EXPECT_NE(r.err.find("curl_multi_client: error: every request to"), std::string::npos) << r.err;
}

TEST(CurlMultiClient, BadArgumentsAreOneLineAndExitTwo) {
  for (const char* args : {"http://x/ --connections 0", "http://x/ --duration", "ftp://x/", "",
                           "http://x/ --bogus", "http://x/ http://y/"}) {
    ClientRun r = RunClient(args);
    EXPECT_EQ(r.rc, 2) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_TRUE(r.err.starts_with("curl_multi_client: error: ")) << args << ": " << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << args << ": " << r.err;
  }
}

}  // namespace
