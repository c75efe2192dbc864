// The Http CUT driven in process against a local server: statuses, transport
// errors, timeouts, bytes, bodies, headers and connection reuse.
#include "http/http_cut.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http_server.h"

namespace pylogen::cuts {
namespace {

using nlohmann::json;
using pylogen::testing::HttpServer;
using pylogen::testing::RefusingPort;

// An HttpCut set up the way a worker does it, for one length. Without a
// "warmup" key, the warm-up is off so that the server sees only the calls.
class HttpCutTest : public ::testing::Test {
 protected:
  void SetUpCut(json extra, std::string length = "0") {
    if (!extra.contains("warmup")) extra["warmup"] = false;
    cut_.BindHost(Context{"T", "Http", "", 0, 0}, std::move(extra));
    cut_.setup();
    length_ = std::move(length);
    set_up_ = true;
  }
  void TearDown() override {
    if (set_up_) cut_.teardown();
  }
  // Runs one operation and returns its only request.
  Request Call() {
    cut_.requests().Reset();
    cut_.SetLength(0, length_);
    cut_.resetBeforeStep();
    cut_.func();
    EXPECT_EQ(cut_.requests().size(), 1u);
    return *cut_.requests().begin();
  }

  HttpServer server_;
  HttpCut cut_;
  std::string length_;
  bool set_up_ = false;
};

TEST_F(HttpCutTest, SuccessIsRcZeroWithTheBytesTheServerSaw) {
  SetUpCut({{"url", server_.Url("/ok")}});
  Request r = Call();
  EXPECT_EQ(r.rc, 0) << r.error;
  EXPECT_STREQ(r.name, "GET");
  EXPECT_EQ(r.bytes_in, server_.bytes_written());
  EXPECT_EQ(r.bytes_out, server_.bytes_read());
  EXPECT_GT(r.bytes_in, 5u);
}

TEST_F(HttpCutTest, SetupOpensTheConnectionWithAnUntimedHead) {
  SetUpCut({{"url", server_.Url("/ok")}, {"warmup", true}});
  EXPECT_EQ(server_.connections(), 1);
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].method, "HEAD");
  EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(server_.connections(), 1);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].index, 2);
}

TEST_F(HttpCutTest, WarmUpOnAServerThatIsDownIsNotAnError) {
  RefusingPort refusing;
  SetUpCut(
      {{"url", "http://127.0.0.1:" + std::to_string(refusing.port()) + "/"}, {"warmup", true}});
  EXPECT_EQ(Call().rc, 7);
}

TEST_F(HttpCutTest, BodyIsRewoundWhenAKeptConnectionDiesUnderARequest) {
  SetUpCut({{"url", server_.Url("/drop-second")}, {"method", "POST"}}, "3000");
  EXPECT_EQ(Call().rc, 0);
  Request r = Call();  // sent on the kept connection, which closes: resent on a new one
  EXPECT_EQ(r.rc, 0) << r.error;
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(server_.connections(), 2);
  EXPECT_EQ(seen[2].body_size, 3000u);
  EXPECT_EQ(seen[2].index, 1);
}

TEST_F(HttpCutTest, OneConnectionIsReusedByEveryRequest) {
  SetUpCut({{"url", server_.Url("/ok")}});
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(server_.connections(), 1);
  EXPECT_EQ(server_.requests().size(), 20u);
}

TEST_F(HttpCutTest, StatusFrom400IsTheRc) {
  SetUpCut({{"url", server_.Url("/missing")}});
  Request r = Call();
  EXPECT_EQ(r.rc, 404);
  EXPECT_STREQ(r.error, "HTTP 404");
  EXPECT_GT(r.bytes_in, 0u);
}

TEST_F(HttpCutTest, ConnectionRefusedIsCurlsCodeAndMessage) {
  RefusingPort refusing;
  SetUpCut(
      {{"url", "http://127.0.0.1:" + std::to_string(refusing.port()) + "/"}, {"warmup", true}});
  Request r = Call();
  EXPECT_EQ(r.rc, 7);  // CURLE_COULDNT_CONNECT
  EXPECT_STREQ(r.error, "Couldn't connect to server");
}

TEST_F(HttpCutTest, TimeoutIsBoundedByTheExtraKey) {
  SetUpCut({{"url", server_.Url("/slow")}, {"timeout", 0.2}});
  Request r = Call();
  EXPECT_EQ(r.rc, 28);  // CURLE_OPERATION_TIMEDOUT
  EXPECT_LT(r.duration_ns(), 1'500'000'000);
  EXPECT_STREQ(r.error, "Timeout was reached");
}

class HttpCutBody : public HttpCutTest, public ::testing::WithParamInterface<std::string> {};

// Small bodies travel with the head, large ones after it: bytes_out counts both.
TEST_P(HttpCutBody, PostSendsABodyOfTheCurrentLength) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "POST"}}, GetParam());
  Request r = Call();
  ASSERT_EQ(r.rc, 0) << r.error;
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body_size, std::stoul(GetParam()));
  EXPECT_EQ(seen[0].headers.count("expect"), 0u);  // no 100-continue round trip
  EXPECT_EQ(r.bytes_out, server_.bytes_read());
  EXPECT_EQ(r.bytes_in, server_.bytes_written());
}

INSTANTIATE_TEST_SUITE_P(Lengths, HttpCutBody, ::testing::Values("1", "1500", "100000", "3000000"));

TEST_F(HttpCutTest, BodyFollowsTheLengthFromStepToStep) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "PUT"}}, "10");
  Call();
  length_ = "700";
  Call();
  length_ = "not-a-number";
  Request bad = Call();
  EXPECT_EQ(bad.rc, HttpCut::kRcBadLength);
  EXPECT_STREQ(bad.error, "length 'not-a-number' is not a body size");
  length_ = "67108865";  // 64 MiB + 1
  EXPECT_EQ(Call().rc, HttpCut::kRcBadLength);
  length_ = "0";
  EXPECT_EQ(Call().rc, 0);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(seen[0].body_size, 10u);
  EXPECT_EQ(seen[1].body_size, 700u);
  EXPECT_EQ(seen[2].body_size, 0u);
}

TEST_F(HttpCutTest, EachBadLengthIsNamedInItsError) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "POST"}}, "");
  EXPECT_STREQ(Call().error, "length '' is not a body size");
  length_ = "x1";
  EXPECT_STREQ(Call().error, "length 'x1' is not a body size");
  EXPECT_STREQ(Call().error, "length 'x1' is not a body size");
  EXPECT_TRUE(server_.requests().empty());
}

TEST_F(HttpCutTest, FixedBodyAndHeadersAreSent) {
  SetUpCut({{"url", server_.Url("/echo")},
            {"method", "POST"},
            {"body", R"({"a":1})"},
            {"headers", {{"Content-Type", "application/json"}, {"X-Trace", "abc"}}},
            {"name", "create"}},
           "9999");
  Request r = Call();
  EXPECT_EQ(r.rc, 0) << r.error;
  EXPECT_STREQ(r.name, "create");
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body_size, 7u);
  EXPECT_EQ(seen[0].headers["content-type"], "application/json");
  EXPECT_EQ(seen[0].headers["x-trace"], "abc");
}

TEST_F(HttpCutTest, HeadAndDeleteUseTheirMethods) {
  SetUpCut({{"url", server_.Url("/ok")}, {"method", "HEAD"}});
  EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(Call().rc, 0);  // the connection survives a body-less response
  cut_.teardown();
  set_up_ = false;
  HttpCut other;
  other.BindHost(Context{"T", "Http", "", 0, 0},
                 {{"url", server_.Url("/ok")}, {"method", "DELETE"}, {"warmup", false}});
  other.setup();
  other.SetLength(0, "0");
  other.func();
  other.teardown();
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].method, "HEAD");
  EXPECT_EQ(seen[2].method, "DELETE");
  EXPECT_EQ(seen[2].body_size, 0u);
  EXPECT_EQ(server_.connections(), 2);
}

TEST_F(HttpCutTest, BadExtraFailsSetup) {
  cut_.BindHost(Context{"T", "Http", "", 0, 0}, json{{"method", "GET"}});
  EXPECT_THROW(cut_.setup(), std::invalid_argument);
}

}  // namespace
}  // namespace pylogen::cuts
