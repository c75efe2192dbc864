// The event-driven Http CUT hosted on a real epoll loop, against a local
// server: statuses, transport errors, timeouts, bytes, bodies, headers,
// connection reuse and one connection per virtual user, the warm-up, the
// rewind on a dropped connection, and cancel.
#include "http/http_cut.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "http_server.h"
#include "loop/epoll_loop.h"
#include "support/allocation_counter.h"

namespace pylogen::cuts {
namespace {

using nlohmann::json;
using pylogen::testing::HttpServer;
using pylogen::testing::RefusingPort;

// The host's side of operations, as EventOperations keeps it: which users
// completed, in order.
class FakeHost : public detail::OperationHost {
 public:
  void Complete(Operation& op) override { completed.push_back(op.user()); }
  std::vector<std::uint32_t> completed;
};

std::string RefusedUrl(const RefusingPort& port) {
  return "http://127.0.0.1:" + std::to_string(port.port()) + "/";
}

// An HttpCut set up the way an event worker does it, for `users` virtual
// users. Without a "warmup" key, the warm-up is off so that the server sees
// only the calls.
class HttpCutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = loop::EpollLoop::Create();
    ASSERT_TRUE(loop.has_value()) << loop.error();
    loop_ = std::move(*loop);
  }
  // The libcurl engine unless `extra` names one: the fast engine's own
  // behaviour is tested in fast_engine_test.cc, and both engines through the
  // binary, route by route, in tests/integration/http_engines_test.cc.
  void SetUpCut(json extra, std::string length = "0", std::uint32_t users = 1) {
    if (!extra.contains("warmup")) extra["warmup"] = false;
    if (!extra.contains("engine")) extra["engine"] = "curl";
    ops_ = std::vector<Operation>(users);
    lengths_.assign(users, std::move(length));
    for (std::uint32_t u = 0; u < users; ++u) ops_[u].Prepare(&host_, u);
    cut_.BindHost(&context_, std::move(extra), loop_.get(), users);
    cut_.setup();
    set_up_ = true;
  }
  void TearDown() override {
    if (set_up_) cut_.teardown();
  }
  // Starts user's operation for its current length.
  void Start(std::uint32_t user) {
    ops_[user].Reset(0, lengths_[user], 0, ++count_, 0, "Http");
    cut_.start(ops_[user]);
  }
  // Turns the loop until `done`, at most about a minute.
  void RunUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 6000 && !done(); ++i) loop_->RunOnce(10'000'000);
    ASSERT_TRUE(done()) << "the loop never got there";
  }
  std::size_t Completions(std::uint32_t user) const {
    return static_cast<std::size_t>(
        std::count(host_.completed.begin(), host_.completed.end(), user));
  }
  // Runs one operation of `user` to its end and returns its only request.
  Request Call(std::uint32_t user = 0) {
    std::size_t before = Completions(user);
    Start(user);
    RunUntil([&] { return Completions(user) > before; });
    EXPECT_EQ(ops_[user].requests().size(), 1u);
    return *ops_[user].requests().begin();
  }

  // Both users' requests, `rounds` times, the loop turned by hand (no
  // std::function, which may allocate).
  void Rounds(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      std::size_t target = host_.completed.size() + ops_.size();
      for (std::uint32_t u = 0; u < ops_.size(); ++u) Start(u);
      for (int turn = 0; turn < 100'000 && host_.completed.size() < target; ++turn)
        loop_->RunOnce(100'000'000);
      ASSERT_EQ(host_.completed.size(), target);
    }
  }
  void ExpectNoAllocationPerRequest() {
    host_.completed.reserve(1000);
    Rounds(20);
    pylogen::testing::AllocationCounter::Start();
    Rounds(200);
    std::size_t allocations = pylogen::testing::AllocationCounter::Stop();
    EXPECT_EQ(allocations, 0u);
    for (Operation& op : ops_) EXPECT_EQ(op.requests().begin()->rc, 0);
    EXPECT_EQ(server_.requests().size(), 440u);
  }

  HttpServer server_;
  std::unique_ptr<loop::EpollLoop> loop_;  // outlives the cut
  FakeHost host_;
  std::vector<Operation> ops_;
  std::vector<std::string> lengths_;  // by user; the operations view them
  Context context_{"T", "Http", "", 0, 0};
  HttpCut cut_;
  std::uint64_t count_ = 0;
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
  EXPECT_EQ(host_.completed, (std::vector<std::uint32_t>{0}));
}

TEST_F(HttpCutTest, TheEndIsToldFromTheLoopNeverFromStart) {
  SetUpCut({{"url", server_.Url("/ok")}});
  Start(0);
  EXPECT_TRUE(host_.completed.empty());
  RunUntil([&] { return Completions(0) == 1; });
}

TEST_F(HttpCutTest, SetupOpensEveryUsersConnectionWithAnUntimedHead) {
  SetUpCut({{"url", server_.Url("/ok")}, {"warmup", true}}, "0", 4);
  EXPECT_EQ(server_.connections(), 4);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (const auto& request : seen) {
    EXPECT_EQ(request.method, "HEAD");
    EXPECT_EQ(request.index, 1);
  }
  for (int round = 0; round < 2; ++round) {
    for (std::uint32_t u = 0; u < 4; ++u) Start(u);
    RunUntil([&] { return host_.completed.size() == 4u * (round + 1); });
  }
  for (Operation& op : ops_) EXPECT_EQ(op.requests().begin()->rc, 0);
  EXPECT_EQ(server_.connections(), 4);  // the warmed connections, reused
  seen = server_.requests();
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_EQ(seen[4].method, "GET");
  EXPECT_GE(seen[4].index, 2);
}

TEST_F(HttpCutTest, WarmUpOnAServerThatIsDownIsNotAnError) {
  RefusingPort refusing;
  SetUpCut({{"url", RefusedUrl(refusing)}, {"warmup", true}}, "0", 3);
  EXPECT_EQ(Call(0).rc, 7);
  EXPECT_EQ(Call(2).rc, 7);
}

TEST_F(HttpCutTest, NVirtualUsersHoldNConnections) {
  SetUpCut({{"url", server_.Url("/ok")}}, "0", 8);
  for (int round = 0; round < 5; ++round) {
    for (std::uint32_t u = 0; u < 8; ++u) Start(u);
    RunUntil([&] { return host_.completed.size() == 8u * (round + 1); });
  }
  EXPECT_EQ(server_.connections(), 8);
  EXPECT_EQ(server_.requests().size(), 40u);
}

TEST_F(HttpCutTest, OneConnectionIsReusedByEveryRequestAndNoFdIsWatchedBetween) {
  SetUpCut({{"url", server_.Url("/ok")}});
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Call().rc, 0);
    EXPECT_EQ(loop_->watched_fds(), 0u);  // an idle kept connection wakes nobody
  }
  EXPECT_EQ(server_.connections(), 1);
  EXPECT_EQ(server_.requests().size(), 20u);
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

TEST_F(HttpCutTest, StatusFrom400IsTheRc) {
  SetUpCut({{"url", server_.Url("/missing")}});
  Request r = Call();
  EXPECT_EQ(r.rc, 404);
  EXPECT_STREQ(r.error, "HTTP 404");
  EXPECT_EQ(r.bytes_in, server_.bytes_written());
}

TEST_F(HttpCutTest, ConnectionRefusedIsCurlsCodeAndMessage) {
  RefusingPort refusing;
  SetUpCut({{"url", RefusedUrl(refusing)}});
  Request r = Call();
  EXPECT_EQ(r.rc, 7);  // CURLE_COULDNT_CONNECT
  EXPECT_STREQ(r.error, "Couldn't connect to server");
}

// /slow answers after 2 s: only a shorter timeout gives rc 28.
TEST_F(HttpCutTest, TimeoutIsTheExtraKeys) {
  SetUpCut({{"url", server_.Url("/slow")}, {"timeout", 0.2}});
  Request r = Call();
  EXPECT_EQ(r.rc, 28);  // CURLE_OPERATION_TIMEDOUT
  EXPECT_STREQ(r.error, "Timeout was reached");
}

TEST_F(HttpCutTest, CancelDropsTheTransferAndItsConnectionWithNoEndTold) {
  SetUpCut({{"url", server_.Url("/slow")}});
  Start(0);
  RunUntil([&] { return server_.bytes_read() > 0; });
  cut_.cancel(ops_[0]);
  for (int i = 0; i < 20; ++i) loop_->RunOnce(0);
  EXPECT_TRUE(host_.completed.empty());
  EXPECT_EQ(loop_->watched_fds(), 0u);
  std::uint64_t sent = server_.bytes_read();
  Start(0);  // the first connection is in mid-answer: not reused
  RunUntil([&] { return server_.bytes_read() > sent; });
  EXPECT_EQ(server_.connections(), 2);
  cut_.cancel(ops_[0]);
  EXPECT_TRUE(host_.completed.empty());
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

TEST_F(HttpCutTest, UsersSendTheirOwnLengthsAtOnce) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "POST"}}, "0", 3);
  lengths_ = {"10", "200000", "3000"};
  for (std::uint32_t u = 0; u < 3; ++u) Start(u);
  RunUntil([&] { return host_.completed.size() == 3; });
  std::vector<std::size_t> sizes;
  for (const auto& request : server_.requests()) sizes.push_back(request.body_size);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{10, 3000, 200000}));
  std::uint64_t out = 0;
  for (Operation& op : ops_) out += op.requests().begin()->bytes_out;
  EXPECT_EQ(out, server_.bytes_read());
}

TEST_F(HttpCutTest, BodyFollowsTheLengthFromOperationToOperation) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "PUT"}}, "10");
  Call();
  lengths_[0] = "700";
  Call();
  lengths_[0] = "not-a-number";
  Request bad = Call();
  EXPECT_EQ(bad.rc, HttpCut::kRcBadLength);
  EXPECT_STREQ(bad.error, "length 'not-a-number' is not a body size");
  lengths_[0] = "67108865";  // 64 MiB + 1
  EXPECT_EQ(Call().rc, HttpCut::kRcBadLength);
  lengths_[0] = "0";
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
  lengths_[0] = "x1";
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

TEST_F(HttpCutTest, HeadKeepsItsConnection) {
  SetUpCut({{"url", server_.Url("/ok")}, {"method", "HEAD"}});
  EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(Call().rc, 0);  // the connection survives a body-less response
  EXPECT_EQ(server_.connections(), 1);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].method, "HEAD");
}

// The warm-up is a HEAD whatever the method; the method comes back after it.
TEST_F(HttpCutTest, DeleteAfterItsWarmUp) {
  SetUpCut({{"url", server_.Url("/ok")}, {"method", "DELETE"}, {"warmup", true}});
  EXPECT_EQ(Call().rc, 0);
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "HEAD");
  EXPECT_EQ(seen[1].method, "DELETE");
  EXPECT_EQ(seen[1].body_size, 0u);
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(HttpCutTest, BadExtraFailsSetup) {
  cut_.BindHost(&context_, json{{"method", "GET"}}, loop_.get(), 1);
  EXPECT_THROW(cut_.setup(), std::invalid_argument);
}

TEST_F(HttpCutTest, TheFastEngineRefusesWhatOnlyLibcurlServes) {
  cut_.BindHost(&context_, json{{"url", "https://127.0.0.1:1/"}, {"engine", "fast"}}, loop_.get(),
                1);
  try {
    cut_.setup();
    FAIL() << "setup accepted the fast engine for https";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_EQ(what.rfind("extra.engine: \"fast\" cannot serve this URL: ", 0), 0u) << what;
    EXPECT_NE(what.find("https"), std::string::npos) << what;
    EXPECT_NE(what.find("(use \"auto\" or \"curl\")"), std::string::npos) << what;
  }
}

TEST_F(HttpCutTest, AutoServesPlainHttp) {
  SetUpCut({{"url", server_.Url("/ok")}, {"engine", "auto"}});
  EXPECT_EQ(Call().rc, 0);
  EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(HttpCutTest, AutoGivesHttpsToLibcurl) {
  RefusingPort refusing;
  SetUpCut(
      {{"url", "https://127.0.0.1:" + std::to_string(refusing.port()) + "/"}, {"engine", "auto"}});
  Request r = Call();
  EXPECT_EQ(r.rc, 7);  // libcurl's CURLE_COULDNT_CONNECT: libcurl took it
}

TEST_F(HttpCutTest, TheCurlEngineServesAutoAndCurl) {
  SetUpCut({{"url", server_.Url("/ok")}, {"engine", "curl"}});
  EXPECT_EQ(Call().rc, 0);
}

// Once warm, a request costs our code (the CUT and its engine) no C++
// allocation: two users POST bodies of the current length, 200 times each.
// libcurl's own mallocs are its business and are not counted.
TEST_F(HttpCutTest, TheCurlEngineAllocatesNothingPerRequestOnceWarm) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "POST"}, {"engine", "curl"}}, "64", 2);
  ExpectNoAllocationPerRequest();
}

TEST_F(HttpCutTest, TheFastEngineAllocatesNothingPerRequestOnceWarm) {
  SetUpCut({{"url", server_.Url("/echo")}, {"method", "POST"}, {"engine", "fast"}}, "64", 2);
  ExpectNoAllocationPerRequest();
}

// ---- EndRequest and LengthFiller, pure. ----

struct EndCase {
  HttpOutcome outcome;
  int rc;
  const char* error;
};

class EndRequestTest : public ::testing::TestWithParam<EndCase> {};

TEST_P(EndRequestTest, OneMappingForBothEngines) {
  Operation op;
  op.Reset(0, "0", 0, 1, 0, "Http");
  std::size_t index = op.Begin("GET");
  EndRequest(op, index, GetParam().outcome);
  const Request& r = *op.requests().begin();
  EXPECT_EQ(r.rc, GetParam().rc);
  EXPECT_STREQ(r.error, GetParam().error);
  EXPECT_EQ(r.bytes_in, GetParam().outcome.bytes_in);
  EXPECT_EQ(r.bytes_out, GetParam().outcome.bytes_out);
  EXPECT_GE(r.end_ns, r.begin_ns);
}

INSTANTIATE_TEST_SUITE_P(
    Outcomes, EndRequestTest,
    ::testing::Values(EndCase{{CURLE_OK, 200, 90, 60}, 0, ""},
                      EndCase{{CURLE_OK, 399, 1, 2}, 0, ""},
                      EndCase{{CURLE_OK, 400, 1, 2}, 400, "HTTP 400"},
                      EndCase{{CURLE_OK, 503, 1, 2}, 503, "HTTP 503"},
                      EndCase{{CURLE_COULDNT_CONNECT, 0, 0, 0}, 7, "Couldn't connect to server"},
                      EndCase{{CURLE_OPERATION_TIMEDOUT, 0, 0, 80}, 28, "Timeout was reached"},
                      EndCase{{CURLE_GOT_NOTHING, 0, 0, 80},
                              52,
                              "Server returned nothing (no "
                              "headers, no data)"}));

TEST(LengthFiller, PrefixesOfOneRunThatGrowsWithoutMovingTheOldOnes) {
  LengthFiller filler;
  std::string_view small = filler.Get(10);
  EXPECT_EQ(small, std::string(10, 'x'));
  EXPECT_EQ(filler.Get(4).data(), small.data());  // a shorter length shares the run
  std::string_view large = filler.Get(1000);
  EXPECT_EQ(large, std::string(1000, 'x'));
  EXPECT_EQ(small, std::string(10, 'x'));  // still valid: a request may hold it
  EXPECT_EQ(filler.Get(1500).size(), 1500u);
  EXPECT_EQ(filler.Get(2000).data(), filler.Get(1500).data());  // grown to at least double
  EXPECT_TRUE(filler.Get(0).empty());
}

}  // namespace
}  // namespace pylogen::cuts
