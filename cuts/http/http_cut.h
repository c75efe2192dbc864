// Http: one HTTP request per operation, through libcurl.
//
// Each worker process owns one curl easy handle, created in setup(), which
// also opens its connection with an untimed HEAD request ("warmup"); the
// connection is kept alive and reused from one request to the next (libcurl
// reconnects by itself when the server closes it, rewinding the body).
// HTTP/1.1 only. A transport error gives
// rc = curl's error code (1..99) and curl's short message for it
// (curl_easy_strerror: "Couldn't connect to server"); a status >= 400 gives
// rc = the status and "HTTP <status>". The record's bytes_out are the bytes
// of the request (head and body) and bytes_in those of the response.
//
// Runs in one thread of one worker process (see pylogen/cut.h).
#ifndef PYLOGEN_CUTS_HTTP_HTTP_CUT_H_
#define PYLOGEN_CUTS_HTTP_HTTP_CUT_H_

#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_options.h"
#include "pylogen/cut.h"

namespace pylogen::cuts {

class HttpCut : public ClassUnderTest {
 public:
  // rc of a request whose --lengths token is not a body size (POST, PUT,
  // PATCH without "body"): above curl's codes (1..99), below HTTP's errors.
  static constexpr int kRcBadLength = 100;

  void setup() override;
  void teardown() override;
  void resetBeforeStep() override;
  void func() override;

  const HttpOptions& options() const { return options_; }

  // For libcurl's seek callback: restarts the body at `offset` (SEEK_SET only).
  bool RewindBody(curl_off_t offset, int origin);

 private:
  struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };

  void SetUpHandle();
  void WarmUp();
  void SetUpMethod();
  void Perform(Request& request);

  HttpOptions options_;
  std::unique_ptr<CURL, CurlDeleter> handle_;
  std::unique_ptr<curl_slist, CurlDeleter> headers_;
  std::string body_;                      // the body sent: options_.body, or the length filler
  std::string_view unsent_;               // what the read callback has still to hand over
  bool sends_body_ = false;               // a body goes with every request
  bool length_body_ = false;              // ... and it is the length filler
  bool length_ok_ = true;                 // the current length token is a body size
  std::optional<std::string> bad_token_;  // the last token that was not a body size
  std::string bad_length_;                // its error text
};

}  // namespace pylogen::cuts

#endif  // PYLOGEN_CUTS_HTTP_HTTP_CUT_H_
