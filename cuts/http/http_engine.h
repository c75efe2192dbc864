// How the Http CUT talks to the network: an engine keeps one connection per
// virtual user (--concurrency per process) on the process' event loop, runs
// one request at a time on each, and tells the CUT how each ended. Two
// engines implement it: libcurl's multi interface (curl_engine.h: https,
// HTTP/2 negotiation off, proxies, whatever libcurl does) and the fast path
// for plain http:// HTTP/1.1 keep-alive (fast_engine.h: non-blocking sockets
// and http-parser). Both report the same outcome for the same exchange, so
// that the records (rc, message, bytes) do not depend on the engine.
//
// Owned by the Http CUT (http_cut.h), in one worker process, one thread:
// created in setup(), destroyed in teardown(). Every call and every callback
// runs on the loop's thread.
#ifndef PYLOGEN_CUTS_HTTP_HTTP_ENGINE_H_
#define PYLOGEN_CUTS_HTTP_HTTP_ENGINE_H_

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_options.h"
#include "pylogen/event_cut.h"

namespace pylogen::cuts {

// What one request came to. The fast engine maps its failures onto curl's
// codes, so that both engines give one rc and one message for one failure:
//   CURLE_COULDNT_RESOLVE_HOST  the host name did not resolve (the fast
//                               engine resolves it once, when created)
//   CURLE_COULDNT_CONNECT       connect() failed (refused, unreachable)
//   CURLE_OPERATION_TIMEDOUT    `timeout` (or `connect_timeout` while
//                               connecting) passed; the connection is closed
//   CURLE_GOT_NOTHING           closed before any byte of the answer, on a
//                               fresh connection (on a reused one the
//                               request is sent again once on a new one,
//                               as libcurl does)
//   CURLE_SEND_ERROR            sending failed
//   CURLE_RECV_ERROR            receiving failed, or closed in the head
//   CURLE_PARTIAL_FILE          closed in the body (fewer bytes than said)
//   CURLE_WEIRD_SERVER_REPLY    the answer is not HTTP/1.x
struct HttpOutcome {
  CURLcode transport = CURLE_OK;  // CURLE_OK: an answer came, see status
  long status = 0;                // the answer's status (CURLE_OK only)
  // As CURLINFO_HEADER_SIZE + CURLINFO_SIZE_DOWNLOAD_T: every response head
  // received (status line, fields, the blank line) plus the body's bytes,
  // decoded (a chunked body counts its data, not its framing).
  std::uint64_t bytes_in = 0;
  // As CURLINFO_REQUEST_SIZE + CURLINFO_SIZE_UPLOAD_T: the request head and
  // body bytes sent. A request sent again on a new connection counts both
  // heads and its body once, as libcurl counts it.
  std::uint64_t bytes_out = 0;
};

// The CUT's side: called once per Start(), from a loop callback (never from
// inside Start() itself), unless the request was Cancel()ed first.
class HttpEngineClient {
 public:
  virtual void OnDone(std::uint32_t user, const HttpOutcome& outcome) = 0;

 protected:
  ~HttpEngineClient() = default;
};

class HttpEngine {
 public:
  virtual ~HttpEngine() = default;  // closes every connection

  // Before time counts (setup()): opens each user's connection with an
  // untimed HEAD request whose answer is ignored, blocking up to about
  // connect_timeout + timeout in all. A server that is down shows in the
  // timed requests, not here.
  virtual void WarmUp() = 0;

  // Sends user's request, with `body` when the options send one (views
  // valid until OnDone or Cancel). `length_index` (the --lengths value's
  // index) names the body's size, for an engine that keeps one request per
  // length. At most one request per user at a time.
  virtual void Start(std::uint32_t user, std::size_t length_index, std::string_view body) = 0;

  // The operation passed --optimeout: abandon user's request (its
  // connection is closed); no OnDone follows.
  virtual void Cancel(std::uint32_t user) = 0;
};

// Why the fast engine cannot serve `options` (https, credentials in the
// URL, a proxy from the environment, ...), as the end of a sentence; empty
// when it can.
std::string FastEngineRefusal(const HttpOptions& options);

// `users` connections on `loop`. Throw std::runtime_error on a setup
// failure (libcurl refusing an option, the fast engine given options it
// cannot serve); a host that does not resolve is not one (each request
// then ends with CURLE_COULDNT_RESOLVE_HOST, as with libcurl).
std::unique_ptr<HttpEngine> MakeCurlEngine(const HttpOptions& options, EventLoop& loop,
                                           std::uint32_t users, HttpEngineClient& client);
std::unique_ptr<HttpEngine> MakeFastEngine(const HttpOptions& options, EventLoop& loop,
                                           std::uint32_t users, HttpEngineClient& client);

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_HTTP_HTTP_ENGINE_H_
