// Http: one HTTP request per operation, on the process' event loop
// (pylogen/event_cut.h): up to --concurrency requests in flight per process,
// one connection per virtual user, kept alive from one request to the next.
//
// The requests go through an engine (http_engine.h), chosen in setup() by
// extra.engine: libcurl's multi interface (curl_engine.h) or the fast path
// for plain http:// (fast_engine.h). setup() also opens every user's
// connection with an untimed HEAD request ("warmup"). HTTP/1.1 only.
// Whatever the engine, a transport error gives rc = curl's error code
// (1..99) and curl's short message for it (curl_easy_strerror: "Couldn't
// connect to server"); a status >= 400 gives rc = the status and
// "HTTP <status>". The record's bytes_out are the bytes of the request (head
// and body) and bytes_in those of the response (EndRequest()).
//
// One instance per worker process, on the loop's thread (see
// pylogen/event_cut.h for the lifecycle): the engine lives from setup() to
// teardown().
#ifndef PYLOGEN_CUTS_HTTP_HTTP_CUT_H_
#define PYLOGEN_CUTS_HTTP_HTTP_CUT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_engine.h"
#include "http/http_options.h"
#include "pylogen/event_cut.h"

namespace pylogen::cuts {

// Ends request `index` of `op` as `outcome` says, for both engines: its
// bytes, then rc 0, rc = curl's code with curl's short message, or rc = the
// status with "HTTP <status>" for a status >= 400. Allocates nothing.
void EndRequest(Operation& op, std::size_t index, const HttpOutcome& outcome);

// The length bodies: prefixes of one run of 'x' shared by every user. A
// longer length grows a new run and keeps the older ones, so that the views
// held by requests in flight stay valid; the runs at least double, so they
// hold at most about twice the longest length.
class LengthFiller {
 public:
  std::string_view Get(std::size_t size);

 private:
  std::vector<std::unique_ptr<const std::string>> runs_;  // the last one is the longest
};

class HttpCut : public EventClassUnderTest, public HttpEngineClient {
 public:
  // rc of a request whose --lengths token is not a body size (POST, PUT,
  // PATCH without "body"): above curl's codes (1..99), below HTTP's errors.
  static constexpr int kRcBadLength = 100;

  void setup() override;
  void teardown() override;
  void start(Operation& op) override;
  void cancel(Operation& op) override;

  // HttpEngineClient: user's request ended.
  void OnDone(std::uint32_t user, const HttpOutcome& outcome) override;

  const HttpOptions& options() const { return options_; }

 private:
  // The request in flight of one user.
  struct Pending {
    Operation* op = nullptr;  // nullptr: none
    std::size_t request = 0;
  };

  const std::string& BadLength(std::string_view token);

  HttpOptions options_;
  std::unique_ptr<HttpEngine> engine_;
  std::vector<Pending> pending_;  // by user
  LengthFiller filler_;
  bool length_body_ = false;              // each request carries a body of the current length
  std::optional<std::string> bad_token_;  // the last token that was not a body size
  std::string bad_length_;                // its error text
};

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_HTTP_HTTP_CUT_H_
