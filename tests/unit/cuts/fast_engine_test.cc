// The Http CUT's fast engine on a real EpollLoop against the test server,
// checked route by route against libcurl's easy interface set up as the
// Http CUT sets it: the same outcome (transport, status, bytes in and out)
// and the same request bytes; connections per user, timeouts, refusals.
#include "http/fast_engine.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "http/fast_request.h"
#include "http/http_options.h"
#include "http_server.h"
#include "loop/epoll_loop.h"

namespace pylogen::cuts {
namespace {

using nlohmann::json;
using pylogen::loop::EpollLoop;
using pylogen::testing::HttpServer;
using pylogen::testing::RefusingPort;

constexpr std::int64_t kMs = 1'000'000;

// libcurl's easy interface with the Http CUT's options (http_cut.cc), one
// handle, so that its connection is kept between calls.
class CurlClient {
 public:
  explicit CurlClient(const HttpOptions& options) : options_(options), handle_(curl_easy_init()) {
    CURL* h = handle_;
    curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Discard);
    list_ = curl_slist_append(nullptr, "Expect:");
    for (const auto& [name, value] : options_.headers) {
      std::string line = value.empty() ? name + ";" : name + ": " + value;
      list_ = curl_slist_append(list_, line.c_str());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list_);
    const std::string& method = options_.method;
    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      if (method != "POST") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      if (options_.body || options_.SendsLengthBody()) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, &ReadBody);
        curl_easy_setopt(h, CURLOPT_READDATA, this);
        curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, &SeekBody);
        curl_easy_setopt(h, CURLOPT_SEEKDATA, this);
        sends_body_ = true;
      }
    }
  }
  ~CurlClient() {
    curl_easy_cleanup(handle_);
    curl_slist_free_all(list_);
  }

  // As the Http CUT's warm-up: a HEAD on the handle, answer ignored.
  void WarmUp() {
    curl_easy_setopt(handle_, CURLOPT_NOBODY, 1L);
    curl_easy_perform(handle_);
    curl_easy_setopt(handle_, CURLOPT_NOBODY, 0L);
    if (options_.method == "GET") curl_easy_setopt(handle_, CURLOPT_HTTPGET, 1L);
  }

  HttpOutcome Perform(std::string_view body = {}) {
    CURL* h = handle_;
    if (sends_body_) {
      body_ = body;
      unsent_ = body;
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    HttpOutcome out;
    out.transport = curl_easy_perform(h);
    long header = 0, request = 0, status = 0;
    curl_off_t down = 0, up = 0;
    curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header);
    curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request);
    curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &down);
    curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &up);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    out.bytes_in = static_cast<std::uint64_t>(header + down);
    out.bytes_out = static_cast<std::uint64_t>(request + up);
    if (out.transport == CURLE_OK) out.status = status;
    return out;
  }

 private:
  static size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }
  static size_t ReadBody(char* out, size_t size, size_t count, void* user) {
    auto* self = static_cast<CurlClient*>(user);
    std::size_t n = std::min(size * count, self->unsent_.size());
    std::memcpy(out, self->unsent_.data(), n);
    self->unsent_.remove_prefix(n);
    return n;
  }
  static int SeekBody(void* user, curl_off_t offset, int origin) {
    auto* self = static_cast<CurlClient*>(user);
    if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > self->body_.size())
      return CURL_SEEKFUNC_CANTSEEK;
    self->unsent_ = self->body_.substr(static_cast<std::size_t>(offset));
    return CURL_SEEKFUNC_OK;
  }

  HttpOptions options_;
  CURL* handle_;
  curl_slist* list_ = nullptr;
  bool sends_body_ = false;
  std::string_view body_;
  std::string_view unsent_;
};

struct Done {
  std::uint32_t user;
  HttpOutcome outcome;
};

class Recorder : public HttpEngineClient {
 public:
  void OnDone(std::uint32_t user, const HttpOutcome& outcome) override {
    done.push_back({user, outcome});
  }
  std::vector<Done> done;
};

void ExpectSame(const HttpOutcome& fast, const HttpOutcome& curl) {
  EXPECT_EQ(fast.transport, curl.transport)
      << curl_easy_strerror(fast.transport) << " vs " << curl_easy_strerror(curl.transport);
  EXPECT_EQ(fast.status, curl.status);
  EXPECT_EQ(fast.bytes_in, curl.bytes_in);
  EXPECT_EQ(fast.bytes_out, curl.bytes_out);
}

// Clears the proxy variables libcurl reads and sets `values`, for one
// scope; restores them after.
class ScopedEnv {
 public:
  ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> values) {
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"}) {
      const char* old = getenv(name);
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      unsetenv(name);
    }
    for (const auto& [name, value] : values) setenv(name, value, 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value)
        setenv(name, value->c_str(), 1);
      else
        unsetenv(name);
    }
  }

 private:
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

class FastEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  static void TearDownTestSuite() { curl_global_cleanup(); }

  void SetUp() override {
    auto loop = EpollLoop::Create();
    ASSERT_TRUE(loop.has_value()) << loop.error();
    loop_ = std::move(*loop);
  }

  static HttpOptions Options(json extra) { return ParseHttpOptions(extra); }

  std::unique_ptr<HttpEngine> Make(const HttpOptions& options, std::uint32_t users = 1) {
    return MakeFastEngine(options, *loop_, users, recorder_);
  }

  // Turns the loop until `count` more requests ended (bounded, so that a
  // bug fails the test rather than hanging it).
  void RunUntil(std::size_t count) {
    for (int turn = 0; turn < 100'000 && recorder_.done.size() < count; ++turn)
      loop_->RunOnce(100 * kMs);
    ASSERT_EQ(recorder_.done.size(), count);
  }

  HttpOutcome Call(HttpEngine& engine, std::string_view body = {}, std::uint32_t user = 0,
                   std::size_t length_index = 0) {
    std::size_t before = recorder_.done.size();
    engine.Start(user, length_index, body);
    EXPECT_EQ(recorder_.done.size(), before) << "OnDone from inside Start()";
    RunUntil(before + 1);
    if (recorder_.done.size() <= before) return {};
    EXPECT_EQ(recorder_.done.back().user, user);
    return recorder_.done.back().outcome;
  }

  // `calls` requests in a row by the fast engine and by libcurl, each on
  // its own connection, compared one by one.
  void CompareWithCurl(const json& extra, int calls = 2, std::string_view body = {}) {
    HttpOptions options = Options(extra);
    auto engine = Make(options);
    CurlClient curl(options);
    for (int i = 0; i < calls; ++i) {
      SCOPED_TRACE(extra.dump() + " call " + std::to_string(i + 1));
      HttpOutcome fast = Call(*engine, body);
      ExpectSame(fast, curl.Perform(body));
    }
  }

  ScopedEnv no_proxy_{};  // neither engine goes through a proxy of the test's environment
  HttpServer server_;
  std::unique_ptr<EpollLoop> loop_;
  Recorder recorder_;
};

TEST_F(FastEngineTest, OkIsTheAnswerLibcurlGets) {
  CompareWithCurl({{"url", server_.Url("/ok")}}, 3);
  HttpOptions options = Options({{"url", server_.Url("/ok")}});
  auto engine = Make(options);
  HttpOutcome out = Call(*engine);
  EXPECT_EQ(out.transport, CURLE_OK);
  EXPECT_EQ(out.status, 200);
}

TEST_F(FastEngineTest, NotFoundIsAStatusNotAFailure) {
  CompareWithCurl({{"url", server_.Url("/missing")}});
  auto engine = Make(Options({{"url", server_.Url("/missing")}}));
  HttpOutcome out = Call(*engine);
  EXPECT_EQ(out.transport, CURLE_OK);
  EXPECT_EQ(out.status, 404);
}

TEST_F(FastEngineTest, ContentLengthBodiesFromOneByteTo3MB) {
  for (const char* n : {"0", "1", "1000", "65536", "65537", "1048576", "3145728"}) {
    CompareWithCurl({{"url", server_.Url(std::string("/bytes/") + n)}});
  }
  auto engine = Make(Options({{"url", server_.Url("/bytes/3145728")}}));
  EXPECT_GT(Call(*engine).bytes_in, 3145728u);
}

TEST_F(FastEngineTest, ChunkedBodiesCountTheirDataNotTheirFraming) {
  for (const char* n : {"0", "1", "2", "1000", "200000", "3145728"}) {
    CompareWithCurl({{"url", server_.Url(std::string("/chunked/") + n)}});
  }
  HttpOptions whole = Options({{"url", server_.Url("/bytes/200000")}});
  HttpOptions chunked = Options({{"url", server_.Url("/chunked/200000")}});
  auto a = Make(whole);
  auto b = Make(chunked);
  // The heads differ by their fields only: Content-Length: 200000 (22
  // bytes + CRLF) against Transfer-Encoding: chunked (26 + CRLF).
  EXPECT_EQ(Call(*b).bytes_in - Call(*a).bytes_in, 4u);
}

TEST_F(FastEngineTest, MirrorSendsBodiesFromOneByteTo3MB) {
  for (std::size_t n : {1u, 100u, 65536u, 1000000u, 3145728u}) {
    std::string body(n, 'x');
    CompareWithCurl({{"url", server_.Url("/mirror")}, {"method", "POST"}}, 2, body);
    auto engine = Make(Options({{"url", server_.Url("/mirror")}, {"method", "POST"}}));
    HttpOutcome out = Call(*engine, body);
    EXPECT_EQ(out.transport, CURLE_OK);
    EXPECT_GT(out.bytes_in, n);
    EXPECT_GT(out.bytes_out, n);
    EXPECT_EQ(server_.requests().back().body_size, n);
  }
}

TEST_F(FastEngineTest, PutWithAFixedBodyAndDeleteWithout) {
  CompareWithCurl({{"url", server_.Url("/echo")}, {"method", "PUT"}, {"body", "abc"}}, 2, "abc");
  CompareWithCurl({{"url", server_.Url("/echo")}, {"method", "DELETE"}});
}

TEST_F(FastEngineTest, HeadAnswersHaveNoBody) {
  for (const char* path : {"/ok", "/bytes/100000", "/chunked/1000", "/missing"}) {
    CompareWithCurl({{"url", server_.Url(path)}, {"method", "HEAD"}}, 3);
  }
  int before = server_.connections();
  auto engine = Make(Options({{"url", server_.Url("/bytes/100000")}, {"method", "HEAD"}}));
  EXPECT_EQ(Call(*engine).transport, CURLE_OK);
  EXPECT_EQ(Call(*engine).status, 200);  // the connection still in step
  EXPECT_EQ(server_.connections() - before, 1);
}

TEST_F(FastEngineTest, ConnectionCloseAnswersReconnectForTheNextRequest) {
  CompareWithCurl({{"url", server_.Url("/close")}}, 3);
  int before = server_.connections();
  auto engine = Make(Options({{"url", server_.Url("/close")}}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call(*engine).status, 200);
  EXPECT_EQ(server_.connections() - before, 3);
}

TEST_F(FastEngineTest, ADroppedKeptConnectionGetsTheRequestOnceMoreAsLibcurl) {
  CompareWithCurl({{"url", server_.Url("/drop-second")}}, 3);
  std::string body(3000, 'x');
  CompareWithCurl({{"url", server_.Url("/drop-second")}, {"method", "POST"}}, 3, body);

  HttpServer fresh;
  auto engine = Make(Options({{"url", fresh.Url("/drop-second")}, {"method", "POST"}}));
  EXPECT_EQ(Call(*engine, body).transport, CURLE_OK);
  HttpOutcome second = Call(*engine, body);
  EXPECT_EQ(second.transport, CURLE_OK);
  EXPECT_EQ(second.status, 200);
  auto seen = fresh.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(fresh.connections(), 2);
  EXPECT_EQ(seen[2].body_size, 3000u);
  EXPECT_EQ(seen[2].index, 1);
  // As libcurl counts them: both heads, the body once.
  EXPECT_EQ(second.bytes_out, 2 * seen[0].raw_head.size() + 3000);
  EXPECT_EQ(fresh.bytes_read(), 3 * (seen[0].raw_head.size() + 3000));
}

TEST_F(FastEngineTest, EveryDroppedKeptConnectionIsReplacedOnce) {
  // /drop-second drops each connection's second request: the resent
  // request is the new connection's first, the next call its second.
  HttpServer fresh;
  auto engine = Make(Options({{"url", fresh.Url("/drop-second")}}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call(*engine).status, 200);
  EXPECT_EQ(fresh.connections(), 3);
}

TEST_F(FastEngineTest, ClosedBeforeAnyByteIsGotNothingOnceResentAsLibcurl) {
  // A fresh connection: nothing to resend.
  CompareWithCurl({{"url", server_.Url("/drop")}}, 1);
  auto engine = Make(Options({{"url", server_.Url("/drop")}}));
  EXPECT_EQ(Call(*engine).transport, CURLE_GOT_NOTHING);
  // A kept one (the warm-up's HEAD was answered): sent again on a new
  // connection, which drops it too.
  HttpOptions options = Options({{"url", server_.Url("/drop")}});
  auto warm = Make(options);
  warm->WarmUp();
  CurlClient curl(options);
  curl.WarmUp();
  int before = server_.connections();
  HttpOutcome fast = Call(*warm);
  EXPECT_EQ(server_.connections() - before, 1);
  ExpectSame(fast, curl.Perform());
  EXPECT_EQ(fast.transport, CURLE_GOT_NOTHING);
}

TEST_F(FastEngineTest, AnAnswerCutShortIsWhatLibcurlSays) {
  CompareWithCurl({{"url", server_.Url("/truncated")}});
  auto engine = Make(Options({{"url", server_.Url("/truncated")}}));
  EXPECT_EQ(Call(*engine).transport, CURLE_PARTIAL_FILE);
}

TEST_F(FastEngineTest, InterimAnswersAreCountedAndSkipped) {
  CompareWithCurl({{"url", server_.Url("/interim")}}, 3);
  CompareWithCurl({{"url", server_.Url("/interim")}, {"method", "HEAD"}}, 2);
  int before = server_.connections();
  auto engine = Make(Options({{"url", server_.Url("/interim")}}));
  HttpOutcome out = Call(*engine);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.bytes_in, 25u + 38u + 38u + 5u);  // three heads and the body
  EXPECT_EQ(Call(*engine).status, 200);
  EXPECT_EQ(server_.connections() - before, 1);
}

TEST_F(FastEngineTest, ABodyReadUntilTheConnectionCloses) {
  CompareWithCurl({{"url", server_.Url("/until-close")}}, 3);
  int before = server_.connections();
  auto engine = Make(Options({{"url", server_.Url("/until-close")}}));
  HttpOutcome out = Call(*engine);
  EXPECT_EQ(out.transport, CURLE_OK);
  EXPECT_EQ(out.bytes_in, 38u + 39u);  // the head and the body
  EXPECT_EQ(Call(*engine).transport, CURLE_OK);
  EXPECT_EQ(server_.connections() - before, 2);
}

TEST_F(FastEngineTest, SlowAnswerHitsTheTimeout) {
  CompareWithCurl({{"url", server_.Url("/slow")}, {"timeout", 0.2}}, 1);
  recorder_.done.clear();
  auto engine = Make(Options({{"url", server_.Url("/slow")}, {"timeout", 0.2}}), 3);
  for (std::uint32_t user = 0; user < 3; ++user) engine->Start(user, 0, {});
  EXPECT_EQ(loop_->pending_timers(), 1u);  // one timer for the engine, not one per request
  RunUntil(3);
  for (const Done& d : recorder_.done) EXPECT_EQ(d.outcome.transport, CURLE_OPERATION_TIMEDOUT);
  // The connection was closed: the next request opens a new one.
  int before = server_.connections();
  engine->Start(0, 0, {});
  RunUntil(4);
  EXPECT_EQ(server_.connections(), before + 1);
}

// A listening socket whose accept queue is full: the kernel drops further
// SYNs, so a connect() to it neither succeeds nor fails.
class FullListener {
 public:
  FullListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), len);
    listen(fd_, 0);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    for (int i = 0; i < 3; ++i) {
      int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      connect(c, reinterpret_cast<sockaddr*>(&addr), len);
      fillers_.push_back(c);
    }
  }
  ~FullListener() {
    for (int c : fillers_) close(c);
    close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

TEST_F(FastEngineTest, AConnectThatHangsHitsTheConnectTimeout) {
  FullListener full;
  std::string url = "http://127.0.0.1:" + std::to_string(full.port()) + "/ok";
  json extra = {{"url", url}, {"connect_timeout", 0.2}, {"timeout", 5}};
  CompareWithCurl(extra, 1);
  recorder_.done.clear();
  auto engine = Make(Options(extra), 2);
  engine->Start(0, 0, {});
  engine->Start(1, 0, {});
  RunUntil(2);
  for (const Done& d : recorder_.done) {
    EXPECT_EQ(d.outcome.transport, CURLE_OPERATION_TIMEDOUT);
    EXPECT_EQ(d.outcome.bytes_out, 0u);
  }
  EXPECT_EQ(loop_->watched_fds(), 0u);  // the connections were closed
}

TEST_F(FastEngineTest, ARefusedPortIsCouldntConnect) {
  RefusingPort refusing;
  std::string url = "http://127.0.0.1:" + std::to_string(refusing.port()) + "/ok";
  CompareWithCurl({{"url", url}});
  auto engine = Make(Options({{"url", url}}));
  HttpOutcome out = Call(*engine);
  EXPECT_EQ(out.transport, CURLE_COULDNT_CONNECT);
  EXPECT_EQ(out.bytes_out, 0u);
}

TEST_F(FastEngineTest, AHostThatDoesNotResolveFailsEveryRequest) {
  auto engine = Make(Options({{"url", "http://no-such-host.invalid/ok"}}));
  engine->WarmUp();  // nothing to warm
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Call(*engine).transport, CURLE_COULDNT_RESOLVE_HOST);
}

TEST_F(FastEngineTest, EachUserHoldsOneConnection) {
  auto engine = Make(Options({{"url", server_.Url("/ok")}}), 5);
  for (int round = 1; round <= 3; ++round) {
    for (std::uint32_t user = 0; user < 5; ++user) engine->Start(user, 0, {});
    RunUntil(5u * static_cast<std::size_t>(round));
  }
  EXPECT_EQ(server_.connections(), 5);
  std::vector<int> per_connection(6, 0);
  for (const auto& seen : server_.requests()) ++per_connection.at(seen.connection);
  for (int c = 1; c <= 5; ++c) EXPECT_EQ(per_connection[c], 3);
}

TEST_F(FastEngineTest, WarmUpOpensEveryConnectionWithAHead) {
  auto engine = Make(Options({{"url", server_.Url("/ok")}, {"method", "POST"}}), 3);
  engine->WarmUp();
  auto seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& s : seen) EXPECT_EQ(s.method, "HEAD");
  EXPECT_EQ(server_.connections(), 3);
  for (std::uint32_t user = 0; user < 3; ++user) engine->Start(user, 0, "abc");
  RunUntil(3);
  EXPECT_EQ(server_.connections(), 3);
  EXPECT_EQ(server_.requests().size(), 6u);
}

TEST_F(FastEngineTest, CancelClosesTheConnectionAndReportsNothing) {
  auto engine = Make(Options({{"url", server_.Url("/slow")}, {"timeout", 0.3}}));
  engine->Start(0, 0, {});
  loop_->RunOnce(0);  // connected, the request sent or on its way
  engine->Cancel(0);
  for (int i = 0; i < 5; ++i) loop_->RunOnce(10 * kMs);
  EXPECT_TRUE(recorder_.done.empty());
  EXPECT_EQ(loop_->watched_fds(), 0u);
  // The user's next request opens a new connection.
  int before = server_.connections();
  EXPECT_EQ(Call(*engine).transport, CURLE_OPERATION_TIMEDOUT);
  EXPECT_EQ(recorder_.done.size(), 1u);  // the cancelled request never reported
  EXPECT_EQ(server_.connections() - before, 1);
}

TEST_F(FastEngineTest, RequestBytesAreLibcurlsByteForByte) {
  const json cases[] = {
      {{"url", server_.Url("/ok")}},
      {{"url", server_.Url("/ok?a=1&b=two")}, {"method", "HEAD"}},
      {{"url", server_.Url("/echo")}, {"method", "POST"}},
      {{"url", server_.Url("/echo")}, {"method", "PATCH"}},
      {{"url", server_.Url("/echo")}, {"method", "PUT"}, {"body", "{\"k\":1}"}},
      {{"url", server_.Url("/echo")}, {"method", "DELETE"}},
      {{"url", server_.Url("/echo")},
       {"method", "POST"},
       {"headers", {{"Content-Type", "application/json"}, {"X-One", "1"}}}},
      {{"url", server_.Url("/ok")},
       {"headers", {{"Accept", "text/html"}, {"Host", "example.com"}, {"X-Empty", ""}}}},
      {{"url", server_.Url("/ok")}, {"headers", {{"A-First", "1"}, {"host", ""}}}},
      {{"url", server_.Url("/echo")},
       {"method", "POST"},
       {"headers", {{"Content-Length", "5"}, {"accept", ""}}}},
      {{"url", "http://localhost:" + std::to_string(server_.port()) + "/ok"}},
  };
  for (const json& extra : cases) {
    SCOPED_TRACE(extra.dump());
    HttpOptions options = Options(extra);
    std::string body = options.body ? *options.body : std::string(5, 'x');
    CurlClient curl(options);
    std::size_t before = server_.requests().size();
    curl.Perform(body);
    auto engine = Make(options);
    Call(*engine, body);
    auto seen = server_.requests();
    ASSERT_EQ(seen.size(), before + 2);
    EXPECT_EQ(seen[before + 1].raw_head, seen[before].raw_head);
    EXPECT_EQ(seen[before + 1].body_size, seen[before].body_size);
  }
}

TEST_F(FastEngineTest, OneRequestIsBuiltPerLength) {
  auto engine = Make(Options({{"url", server_.Url("/mirror")}, {"method", "POST"}}));
  std::string small(10, 'x'), big(5000, 'x');
  HttpOutcome a = Call(*engine, small, 0, 0);
  HttpOutcome b = Call(*engine, big, 0, 1);
  HttpOutcome c = Call(*engine, small, 0, 0);
  EXPECT_EQ(a.bytes_out, c.bytes_out);
  EXPECT_EQ(b.bytes_out - a.bytes_out, 4990u + 2u);  // the body and "5000" against "10"
  auto seen = server_.requests();
  EXPECT_NE(seen[1].raw_head.find("Content-Length: 5000\r\n"), std::string::npos);
  EXPECT_NE(seen[2].raw_head.find("Content-Length: 10\r\n"), std::string::npos);
}

TEST_F(FastEngineTest, RefusesWhatOnlyLibcurlDoes) {
  auto refusal = [](json extra) { return FastEngineRefusal(ParseHttpOptions(extra)); };
  EXPECT_EQ(refusal({{"url", server_.Url("/ok")}}), "");
  EXPECT_EQ(refusal({{"url", "https://example.com/"}}),
            "https:// needs TLS, which only the curl engine does");
  EXPECT_NE(refusal({{"url", "http://user:pw@example.com/"}}).find("credentials"),
            std::string::npos);
  EXPECT_NE(refusal({{"url", "http://example.com/a#part"}}).find("fragment"), std::string::npos);
  EXPECT_NE(refusal({{"url", "http://example.com/a/../b"}}).find("libcurl reads"),
            std::string::npos);
  EXPECT_NE(refusal({{"url", server_.Url("/ok")}, {"headers", {{"Transfer-Encoding", "chunked"}}}})
                .find("Transfer-Encoding"),
            std::string::npos);
  EXPECT_NE(refusal({{"url", server_.Url("/ok")}, {"headers", {{"Expect", "100-continue"}}}})
                .find("Expect"),
            std::string::npos);
  Recorder recorder;
  try {
    MakeFastEngine(ParseHttpOptions({{"url", "https://example.com/"}}), *loop_, 1, recorder);
    ADD_FAILURE() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("https:// needs TLS"), std::string::npos);
  }
}

TEST_F(FastEngineTest, AProxyFromTheEnvironmentIsRefusedWhereLibcurlWouldUseIt) {
  HttpOptions options = Options({{"url", "http://example.com/"}});
  {
    ScopedEnv env({{"http_proxy", "http://proxy:3128"}});
    EXPECT_NE(FastEngineRefusal(options).find("http_proxy"), std::string::npos);
  }
  {
    ScopedEnv env({{"ALL_PROXY", "socks5://proxy:1080"}});
    EXPECT_NE(FastEngineRefusal(options).find("ALL_PROXY"), std::string::npos);
  }
  {
    // libcurl never reads HTTP_PROXY for http:// (httpoxy).
    ScopedEnv env({{"HTTP_PROXY", "http://proxy:3128"}});
    EXPECT_EQ(FastEngineRefusal(options), "");
  }
  {
    ScopedEnv env({{"http_proxy", "http://proxy:3128"}, {"NO_PROXY", "localhost,.example.com"}});
    EXPECT_EQ(FastEngineRefusal(options), "");
  }
  {
    ScopedEnv env({{"http_proxy", ""}, {"all_proxy", "http://proxy:3128"}});
    EXPECT_EQ(FastEngineRefusal(options), "");  // an empty http_proxy: no proxy, as libcurl
  }
}

TEST(FastEngineProxy, NoProxyMatchesAsLibcurlDoes) {
  EXPECT_FALSE(ProxyApplies("example.com", "", ""));
  EXPECT_TRUE(ProxyApplies("example.com", "p:1", ""));
  EXPECT_FALSE(ProxyApplies("example.com", "p:1", "*"));
  EXPECT_FALSE(ProxyApplies("example.com", "p:1", "example.com"));
  EXPECT_FALSE(ProxyApplies("www.Example.com", "p:1", "other, .example.com"));
  EXPECT_TRUE(ProxyApplies("nonexample.com", "p:1", "example.com"));
  EXPECT_FALSE(ProxyApplies("example.com.", "p:1", "example.com"));
  EXPECT_FALSE(ProxyApplies("10.1.2.3", "p:1", "10.0.0.0/8"));
  EXPECT_TRUE(ProxyApplies("11.1.2.3", "p:1", "10.0.0.0/8"));
  EXPECT_FALSE(ProxyApplies("127.0.0.1", "p:1", "localhost 127.0.0.1"));
  EXPECT_TRUE(ProxyApplies("127.0.0.2", "p:1", "127.0.0.1"));
  EXPECT_FALSE(ProxyApplies("::1", "p:1", "::1"));
  EXPECT_FALSE(ProxyApplies("fd00::5", "p:1", "fd00::/8"));
}

}  // namespace
}  // namespace pylogen::cuts

namespace pylogen::cuts {
namespace {

TEST(FastTarget, HostPortAndTargetAsLibcurlWritesThem) {
  struct Case {
    const char* url;
    const char* host;
    const char* host_header;
    const char* target;
  } cases[] = {
      {"http://example.com", "example.com", "example.com", "/"},
      {"http://example.com:80/a", "example.com", "example.com", "/a"},
      {"http://example.com:8080/a?b=c&d", "example.com", "example.com:8080", "/a?b=c&d"},
      {"http://[::1]:8080/x", "::1", "[::1]:8080", "/x"},
      {"http://10.0.0.1/", "10.0.0.1", "10.0.0.1", "/"},
  };
  ScopedEnv no_proxy{};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);
    auto target = ParseFastTarget(ParseHttpOptions({{"url", c.url}}));
    ASSERT_TRUE(target.has_value()) << target.error();
    EXPECT_EQ(target->host, c.host);
    EXPECT_EQ(target->host_header, c.host_header);
    EXPECT_EQ(target->target, c.target);
  }
}

TEST_F(FastEngineTest, AnAnswerBeforeTheWholeBodyClosesTheConnection) {
  // 32 MB cannot all go out before the 413 comes back: the connection the
  // server still reads the body on is not reused (as libcurl does), so the
  // next request gets its own answer, on a new connection, and no socket is
  // left watched for writing in between.
  HttpOptions options = Options(
      {{"url", server_.Url("/early")}, {"method", "POST"}, {"timeout", 5}, {"warmup", false}});
  auto engine = Make(options);
  std::string body(32 << 20, 'x');
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    HttpOutcome outcome = Call(*engine, body);
    EXPECT_EQ(outcome.transport, CURLE_OK) << curl_easy_strerror(outcome.transport);
    EXPECT_EQ(outcome.status, 413);
    EXPECT_EQ(loop_->watched_fds(), 0u) << "the half-sent connection is closed";
  }
  EXPECT_EQ(server_.connections(), 2);
}

TEST_F(FastEngineTest, A304SaysALengthItDoesNotSend) {
  // http-parser would wait for the 1234 bytes; libcurl knows a 304 has none.
  CompareWithCurl({{"url", server_.Url("/not-modified")}, {"timeout", 2}}, 2);
  HttpOptions options = Options({{"url", server_.Url("/not-modified")}, {"timeout", 2}});
  auto engine = Make(options);
  HttpOutcome outcome = Call(*engine);
  EXPECT_EQ(outcome.transport, CURLE_OK) << curl_easy_strerror(outcome.transport);
  EXPECT_EQ(outcome.status, 304);
}

TEST_F(FastEngineTest, ARequestHeadBuiltForANewLengthLeavesThoseInFlightIntact) {
  // User 0 sends 4 MB at length index 0; meanwhile user 1 starts at index 9,
  // whose head is built then. User 0's head must stay where its request
  // points (under ASan a moved head is a use after free; without it, bytes
  // that are no request).
  HttpOptions options = Options({{"url", server_.Url("/mirror")}, {"method", "POST"}});
  std::string big(4 << 20, 'x');
  std::string small(10, 'y');
  HttpOutcome alone = Call(*Make(options), big);
  ASSERT_EQ(alone.status, 200);
  recorder_.done.clear();
  auto engine = Make(options, 2);
  engine->Start(0, 0, big);
  engine->Start(1, 9, small);
  RunUntil(2);
  for (const Done& d : recorder_.done) {
    EXPECT_EQ(d.outcome.transport, CURLE_OK) << d.user;
    EXPECT_EQ(d.outcome.status, 200) << d.user;
    if (d.user == 0) {
      EXPECT_EQ(d.outcome.bytes_out, alone.bytes_out);
      EXPECT_EQ(d.outcome.bytes_in, alone.bytes_in);
    }
  }
}

}  // namespace
}  // namespace pylogen::cuts
