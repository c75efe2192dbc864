#include "http/http_cut.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/byte_count.h"

namespace pylogen::cuts {
namespace {

// Discards the response body; libcurl still counts its bytes.
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// Hands the body to libcurl from a read callback rather than POSTFIELDS:
// libcurl then never folds the body into the head, so CURLINFO_REQUEST_SIZE
// is the head alone and the bytes sent are head + upload, whatever the size.
size_t ReadBody(char* out, size_t size, size_t count, void* user) {
  auto* cursor = static_cast<std::string_view*>(user);
  std::size_t n = std::min(size * count, cursor->size());
  std::memcpy(out, cursor->data(), n);
  cursor->remove_prefix(n);
  return n;
}

template <class T>
void Set(CURL* handle, CURLoption option, T value) {
  CURLcode code = curl_easy_setopt(handle, option, value);
  if (code != CURLE_OK) {
    throw std::runtime_error(std::string("libcurl refused an option: ") + curl_easy_strerror(code));
  }
}

curl_off_t Info(CURL* handle, CURLINFO info) {
  curl_off_t value = 0;
  curl_easy_getinfo(handle, info, &value);
  return value;
}

long LongInfo(CURL* handle, CURLINFO info) {
  long value = 0;
  curl_easy_getinfo(handle, info, &value);
  return value;
}

// libcurl hands the body back for a rewind when it resends a request on a
// new connection (the kept-alive one was closed by the server meanwhile).
int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* cut = static_cast<HttpCut*>(user);
  return cut->RewindBody(offset, origin) ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
}

}  // namespace

void HttpCut::setup() {
  options_ = ParseHttpOptions(extra());
  if (options_.body) body_ = *options_.body;
  length_body_ = options_.SendsLengthBody();
  sends_body_ = options_.body.has_value() || length_body_;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw std::runtime_error("curl_global_init failed");
  }
  // teardown() is not called after a failed setup(): undo here.
  try {
    handle_.reset(curl_easy_init());
    if (!handle_) throw std::runtime_error("curl_easy_init failed");
    SetUpHandle();
    if (options_.warmup) WarmUp();
    SetUpMethod();
  } catch (...) {
    headers_.reset();
    handle_.reset();
    curl_global_cleanup();
    throw;
  }
}

bool HttpCut::RewindBody(curl_off_t offset, int origin) {
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > body_.size())
    return false;
  unsent_ = std::string_view(body_).substr(static_cast<std::size_t>(offset));
  return true;
}

void HttpCut::SetUpHandle() {
  CURL* h = handle_.get();
  Set(h, CURLOPT_URL, options_.url.c_str());
  // HTTP/1.1 even over TLS (libcurl would negotiate HTTP/2): one request per
  // connection at a time, as wrk and ab, and bytes that are the ones sent.
  Set(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  Set(h, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts: workers own their signals
  Set(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  Set(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  Set(h, CURLOPT_WRITEFUNCTION, &Discard);
  Set(h, CURLOPT_SSL_VERIFYPEER, options_.verify ? 1L : 0L);
  Set(h, CURLOPT_SSL_VERIFYHOST, options_.verify ? 2L : 0L);
  // Without this, libcurl waits up to a second for "100 Continue" before
  // sending a large body, which a load test must not measure.
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : options_.headers) {
    // "Name;" is libcurl's spelling of a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (!grown) {
      curl_slist_free_all(list);
      throw std::runtime_error("out of memory for headers");
    }
    list = grown;
  }
  headers_.reset(list);
  Set(h, CURLOPT_HTTPHEADER, headers_.get());
}

// Opens the worker's connection before time counts, with a HEAD request
// whose answer, whatever it is, is ignored: a server that is down or
// refuses HEAD shows up in the timed requests, not here.
void HttpCut::WarmUp() {
  CURL* h = handle_.get();
  Set(h, CURLOPT_NOBODY, 1L);
  curl_easy_perform(h);
  Set(h, CURLOPT_NOBODY, 0L);
}

void HttpCut::SetUpMethod() {
  CURL* h = handle_.get();
  const std::string& method = options_.method;
  if (method == "GET") {
    Set(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    Set(h, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") Set(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (sends_body_) {
      Set(h, CURLOPT_POST, 1L);
      Set(h, CURLOPT_READFUNCTION, &ReadBody);
      Set(h, CURLOPT_READDATA, &unsent_);
      Set(h, CURLOPT_SEEKFUNCTION, &SeekBody);
      Set(h, CURLOPT_SEEKDATA, this);
    }
  }
}

void HttpCut::resetBeforeStep() {
  if (!length_body_) return;
  std::optional<std::size_t> size = ParseByteCount(length());
  length_ok_ = size.has_value();
  if (!length_ok_) {
    // Outside the timed region, and only when the bad token changes.
    if (bad_token_ != length()) {
      bad_token_.emplace(length());
      bad_length_ = "length '" + *bad_token_ + "' is not a body size";
    }
    return;
  }
  // Sized once per length; the same filler is sent by every request of it.
  if (body_.size() != *size) body_.assign(*size, 'x');
}

void HttpCut::func() {
  requests().exec(options_.name, [this](Request& request) { Perform(request); });
}

void HttpCut::Perform(Request& request) {
  CURL* h = handle_.get();
  if (length_body_ && !length_ok_) {
    request.Fail(kRcBadLength, bad_length_);
    return;
  }
  if (sends_body_) {
    unsent_ = body_;
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_.size()));
  }
  CURLcode code = curl_easy_perform(h);
  request.AddBytes(static_cast<std::uint64_t>(LongInfo(h, CURLINFO_HEADER_SIZE) +
                                              Info(h, CURLINFO_SIZE_DOWNLOAD_T)),
                   static_cast<std::uint64_t>(LongInfo(h, CURLINFO_REQUEST_SIZE) +
                                              Info(h, CURLINFO_SIZE_UPLOAD_T)));
  if (code != CURLE_OK) {
    // curl's short message: the record keeps 47 bytes, too few for the
    // detailed one (host, port, elapsed), which the URL and rc already say.
    request.Fail(static_cast<int>(code), curl_easy_strerror(code));
    return;
  }
  long status = LongInfo(h, CURLINFO_RESPONSE_CODE);
  if (status >= 400) {
    char text[16] = "HTTP ";  // no allocation, even for a run of errors
    char* end = std::to_chars(text + 5, text + sizeof(text), status).ptr;
    request.Fail(static_cast<int>(status),
                 std::string_view(text, static_cast<std::size_t>(end - text)));
  }
}

void HttpCut::teardown() {
  headers_.reset();
  handle_.reset();
  curl_global_cleanup();
}

}  // namespace pylogen::cuts
