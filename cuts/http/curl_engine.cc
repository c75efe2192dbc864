#include "http/curl_engine.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace pylogen::cuts {
namespace {

// Discards the response body; libcurl still counts its bytes.
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

template <class T>
void Set(CURL* handle, CURLoption option, T value) {
  CURLcode code = curl_easy_setopt(handle, option, value);
  if (code != CURLE_OK) {
    // Named as libcurl names it (CURLOPT_ without its prefix: "SSL_VERIFYPEER").
    const curl_easyoption* known = curl_easy_option_by_id(option);
    throw std::runtime_error(std::string("libcurl refused the option ") +
                             (known != nullptr ? known->name : "?") + ": " +
                             curl_easy_strerror(code));
  }
}

template <class T>
void SetMulti(CURLM* multi, CURLMoption option, T value) {
  CURLMcode code = curl_multi_setopt(multi, option, value);
  if (code != CURLM_OK) {
    throw std::runtime_error(std::string("libcurl refused a multi option: ") +
                             curl_multi_strerror(code));
  }
}

std::uint64_t OffInfo(CURL* handle, CURLINFO info) {
  curl_off_t value = 0;
  curl_easy_getinfo(handle, info, &value);
  return static_cast<std::uint64_t>(std::max<curl_off_t>(value, 0));
}

long LongInfo(CURL* handle, CURLINFO info) {
  long value = 0;
  curl_easy_getinfo(handle, info, &value);
  return value;
}

// The request headers of every user: "Expect:" first (without it, libcurl
// waits up to a second for "100 Continue" before a large body, which a load
// test must not measure), then extra.headers.
curl_slist* BuildHeaders(const HttpOptions& options) {
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : options.headers) {
    if (!list) break;
    // "Name;" is libcurl's spelling of a header with an empty value.
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* grown = curl_slist_append(list, line.c_str());
    if (!grown) curl_slist_free_all(list);
    list = grown;
  }
  if (!list) throw std::runtime_error("out of memory for headers");
  return list;
}

class CurlEngine final : public HttpEngine {
 public:
  CurlEngine(const HttpOptions& options, EventLoop& loop, std::uint32_t users,
             HttpEngineClient& client)
      : options_(options), loop_(loop), client_(client), users_(users) {}
  ~CurlEngine() override;
  CurlEngine(const CurlEngine&) = delete;
  CurlEngine& operator=(const CurlEngine&) = delete;

  // Everything that may fail; the destructor undoes whatever it did.
  void Init();

  void WarmUp() override;
  void Start(std::uint32_t user, std::size_t length_index, std::string_view body) override;
  void Cancel(std::uint32_t user) override;

 private:
  // One virtual user: its easy handle and its body cursor. Never moved once
  // the handles point at it (users_ is sized once).
  struct User {
    CURL* easy = nullptr;
    std::string_view body;    // the request's body, for a rewind
    std::string_view unsent;  // what the read callback has still to hand over
    std::uint32_t index = 0;
    bool in_multi = false;
  };

  void SetUpHandle(User& user);
  void SetUpMethod(User& user);
  void Remove(User& user);
  // curl_multi_socket_action on `fd` (or CURL_SOCKET_TIMEOUT), then Drain().
  void Act(curl_socket_t fd, int flags);
  // Every finished transfer: removed from the multi, then told to the
  // client (not during the warm-up).
  void Drain();
  HttpOutcome Outcome(CURL* easy, CURLcode code) const;
  // The warm-up's wait: one bounded ppoll() over the recorded sockets and
  // the socket actions it calls for.
  void PollOnce(std::int64_t deadline_ns);
  void Track(curl_socket_t fd, int what);

  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* engine, void* socket_data);
  static int OnTimerChange(CURLM* multi, long timeout_ms, void* engine);
  static void OnTimer(void* engine);
  static void OnFd(void* engine, int fd, std::uint32_t events);
  static size_t ReadBody(char* out, size_t size, size_t count, void* user);
  static int SeekBody(void* user, curl_off_t offset, int origin);

  HttpOptions options_;
  EventLoop& loop_;
  HttpEngineClient& client_;
  std::vector<User> users_;
  bool sends_body_ = false;
  bool global_ = false;  // curl_global_init succeeded
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  EventLoop::TimerId timer_ = 0;    // libcurl's timeout, on the loop
  std::int64_t timer_due_ns_ = -1;  // when it falls due (-1: none)
  std::uint32_t in_multi_ = 0;      // users with a transfer in the multi
  bool warming_ = false;
  std::vector<pollfd> polled_;  // the warm-up's sockets, as libcurl asked for them
  std::vector<pollfd> ready_;
};

void CurlEngine::Init() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw std::runtime_error("curl_global_init failed");
  }
  global_ = true;
  multi_ = curl_multi_init();
  if (!multi_) throw std::runtime_error("curl_multi_init failed");
  SetMulti(multi_, CURLMOPT_SOCKETFUNCTION, &CurlEngine::OnSocket);
  SetMulti(multi_, CURLMOPT_SOCKETDATA, this);
  SetMulti(multi_, CURLMOPT_TIMERFUNCTION, &CurlEngine::OnTimerChange);
  SetMulti(multi_, CURLMOPT_TIMERDATA, this);
  // One connection per user in the cache: `users` transfers in flight open
  // `users` connections, and all of them are kept for the next requests.
  SetMulti(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(users_.size()));
  headers_ = BuildHeaders(options_);
  sends_body_ = options_.body.has_value() || options_.SendsLengthBody();
  for (std::size_t i = 0; i < users_.size(); ++i) {
    User& user = users_[i];
    user.index = static_cast<std::uint32_t>(i);
    user.easy = curl_easy_init();
    if (!user.easy) throw std::runtime_error("curl_easy_init failed");
    SetUpHandle(user);
    SetUpMethod(user);
  }
}

CurlEngine::~CurlEngine() {
  for (User& user : users_) Remove(user);
  for (User& user : users_) {
    if (user.easy) curl_easy_cleanup(user.easy);
  }
  if (multi_) curl_multi_cleanup(multi_);  // closes the cached connections
  // Last: the cleanups above may still have moved libcurl's timer.
  if (timer_ != 0) loop_.CancelTimer(timer_);
  if (headers_) curl_slist_free_all(headers_);
  if (global_) curl_global_cleanup();
}

void CurlEngine::SetUpHandle(User& user) {
  CURL* h = user.easy;
  Set(h, CURLOPT_PRIVATE, static_cast<void*>(&user));
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
  Set(h, CURLOPT_HTTPHEADER, headers_);
}

// The body goes through a read callback rather than POSTFIELDS: libcurl then
// never folds it into the head, so CURLINFO_REQUEST_SIZE is the head alone
// and the bytes sent are head + upload, whatever the size.
void CurlEngine::SetUpMethod(User& user) {
  CURL* h = user.easy;
  const std::string& method = options_.method;
  Set(h, CURLOPT_NOBODY, 0L);
  if (method == "GET") {
    Set(h, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    Set(h, CURLOPT_NOBODY, 1L);
  } else {
    if (method != "POST") Set(h, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (sends_body_) {
      Set(h, CURLOPT_POST, 1L);
      Set(h, CURLOPT_READFUNCTION, &CurlEngine::ReadBody);
      Set(h, CURLOPT_READDATA, static_cast<void*>(&user));
      Set(h, CURLOPT_SEEKFUNCTION, &CurlEngine::SeekBody);
      Set(h, CURLOPT_SEEKDATA, static_cast<void*>(&user));
    }
  }
}

void CurlEngine::Start(std::uint32_t user_index, std::size_t, std::string_view body) {
  User& user = users_.at(user_index);
  Remove(user);  // none in flight (one request per user at a time); defensive
  if (sends_body_) {
    user.body = body;
    user.unsent = body;
    curl_easy_setopt(user.easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  // libcurl answers by setting a timer of 0: the transfer begins on the
  // loop's next turn, and its end is told from there, never from here.
  CURLMcode code = curl_multi_add_handle(multi_, user.easy);
  if (code != CURLM_OK) {
    throw std::runtime_error(std::string("curl_multi_add_handle: ") + curl_multi_strerror(code));
  }
  user.in_multi = true;
  ++in_multi_;
}

void CurlEngine::Cancel(std::uint32_t user_index) { Remove(users_.at(user_index)); }

// A transfer removed before its end closes its connection (libcurl does
// not reuse a connection in mid-exchange).
void CurlEngine::Remove(User& user) {
  if (!user.in_multi) return;
  user.in_multi = false;
  --in_multi_;
  curl_multi_remove_handle(multi_, user.easy);
}

void CurlEngine::Act(curl_socket_t fd, int flags) {
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);
  Drain();
}

void CurlEngine::Drain() {
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    CURL* easy = message->easy_handle;
    CURLcode code = message->data.result;  // `message` dies with the removal below
    char* data = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &data);
    User& user = *reinterpret_cast<User*>(data);
    HttpOutcome outcome = Outcome(easy, code);
    Remove(user);
    if (!warming_) client_.OnDone(user.index, outcome);
  }
}

HttpOutcome CurlEngine::Outcome(CURL* easy, CURLcode code) const {
  HttpOutcome outcome;
  outcome.transport = code;
  if (code == CURLE_OK) outcome.status = LongInfo(easy, CURLINFO_RESPONSE_CODE);
  outcome.bytes_in = static_cast<std::uint64_t>(LongInfo(easy, CURLINFO_HEADER_SIZE)) +
                     OffInfo(easy, CURLINFO_SIZE_DOWNLOAD_T);
  outcome.bytes_out = static_cast<std::uint64_t>(LongInfo(easy, CURLINFO_REQUEST_SIZE)) +
                      OffInfo(easy, CURLINFO_SIZE_UPLOAD_T);
  return outcome;
}

// Opens every user's connection before time counts, with HEAD requests in
// flight all at once, whose answers, whatever they are, are ignored: a
// server that is down or refuses HEAD shows in the timed requests, not
// here. The loop is not turned during setup(): the multi is driven from
// ppoll() over the sockets libcurl reported (still with socket_action,
// never curl_multi_perform, which must not be mixed with it).
void CurlEngine::WarmUp() {
  warming_ = true;
  polled_.clear();
  for (User& user : users_) {
    Set(user.easy, CURLOPT_CUSTOMREQUEST, static_cast<const char*>(nullptr));
    Set(user.easy, CURLOPT_NOBODY, 1L);
    Start(user.index, 0, {});
  }
  std::int64_t deadline_ns =
      loop_.Now() + (options_.connect_timeout_ms + options_.timeout_ms) * 1'000'000;
  Act(CURL_SOCKET_TIMEOUT, 0);
  while (in_multi_ > 0 && loop_.Now() < deadline_ns) PollOnce(deadline_ns);
  for (User& user : users_) Remove(user);  // too slow: abandoned
  for (User& user : users_) SetUpMethod(user);
  warming_ = false;
  polled_.clear();
}

void CurlEngine::PollOnce(std::int64_t deadline_ns) {
  std::int64_t now = loop_.Now();
  std::int64_t wait_ns = deadline_ns - now;
  if (timer_due_ns_ >= 0) wait_ns = std::min(wait_ns, timer_due_ns_ - now);
  wait_ns = std::max<std::int64_t>(wait_ns, 0);
  timespec wait{static_cast<time_t>(wait_ns / 1'000'000'000),
                static_cast<long>(wait_ns % 1'000'000'000)};
  if (ppoll(polled_.data(), polled_.size(), &wait, nullptr) > 0) {
    // Copied first: the socket actions change polled_.
    ready_.clear();
    for (const pollfd& p : polled_) {
      if (p.revents != 0) ready_.push_back(p);
    }
    for (const pollfd& p : ready_) {
      int flags = ((p.revents & POLLIN) ? CURL_CSELECT_IN : 0) |
                  ((p.revents & POLLOUT) ? CURL_CSELECT_OUT : 0) |
                  ((p.revents & (POLLERR | POLLHUP | POLLNVAL)) ? CURL_CSELECT_ERR : 0);
      Act(p.fd, flags);
    }
  }
  if (timer_due_ns_ >= 0 && loop_.Now() >= timer_due_ns_) {
    if (timer_ != 0) loop_.CancelTimer(timer_);
    timer_ = 0;
    timer_due_ns_ = -1;
    Act(CURL_SOCKET_TIMEOUT, 0);
  }
}

void CurlEngine::Track(curl_socket_t fd, int what) {
  auto it =
      std::find_if(polled_.begin(), polled_.end(), [fd](const pollfd& p) { return p.fd == fd; });
  if (what == CURL_POLL_REMOVE) {
    if (it != polled_.end()) polled_.erase(it);
    return;
  }
  short events = static_cast<short>(((what & CURL_POLL_IN) ? POLLIN : 0) |
                                    ((what & CURL_POLL_OUT) ? POLLOUT : 0));
  if (it == polled_.end()) {
    polled_.push_back(pollfd{fd, events, 0});
  } else {
    it->events = events;
  }
}

int CurlEngine::OnSocket(CURL*, curl_socket_t fd, int what, void* arg, void*) {
  auto& engine = *static_cast<CurlEngine*>(arg);
  if (engine.warming_) engine.Track(fd, what);
  if (what == CURL_POLL_REMOVE) {
    engine.loop_.Unwatch(fd);
    return 0;
  }
  std::uint32_t events = ((what & CURL_POLL_IN) ? EventLoop::kReadable : 0) |
                         ((what & CURL_POLL_OUT) ? EventLoop::kWritable : 0);
  return engine.loop_.Watch(fd, events, &CurlEngine::OnFd, &engine) == 0 ? 0 : -1;
}

int CurlEngine::OnTimerChange(CURLM*, long timeout_ms, void* arg) {
  auto& engine = *static_cast<CurlEngine*>(arg);
  if (engine.timer_ != 0) engine.loop_.CancelTimer(engine.timer_);
  engine.timer_ = 0;
  engine.timer_due_ns_ = -1;
  if (timeout_ms < 0) return 0;
  std::int64_t delay_ns = static_cast<std::int64_t>(timeout_ms) * 1'000'000;
  engine.timer_ = engine.loop_.AddTimer(delay_ns, &CurlEngine::OnTimer, &engine);
  engine.timer_due_ns_ = engine.loop_.Now() + delay_ns;
  return 0;
}

void CurlEngine::OnTimer(void* arg) {
  auto& engine = *static_cast<CurlEngine*>(arg);
  engine.timer_ = 0;  // fired; libcurl may set the next one from inside Act()
  engine.timer_due_ns_ = -1;
  engine.Act(CURL_SOCKET_TIMEOUT, 0);
}

void CurlEngine::OnFd(void* arg, int fd, std::uint32_t events) {
  int flags = ((events & EventLoop::kReadable) ? CURL_CSELECT_IN : 0) |
              ((events & EventLoop::kWritable) ? CURL_CSELECT_OUT : 0) |
              ((events & EventLoop::kError) ? CURL_CSELECT_ERR : 0);
  static_cast<CurlEngine*>(arg)->Act(fd, flags);
}

size_t CurlEngine::ReadBody(char* out, size_t size, size_t count, void* arg) {
  std::string_view& unsent = static_cast<User*>(arg)->unsent;
  std::size_t n = std::min(size * count, unsent.size());
  std::memcpy(out, unsent.data(), n);
  unsent.remove_prefix(n);
  return n;
}

// libcurl hands the body back for a rewind when it resends a request on a
// new connection (the kept-alive one was closed by the server meanwhile).
int CurlEngine::SeekBody(void* arg, curl_off_t offset, int origin) {
  User& user = *static_cast<User*>(arg);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > user.body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  user.unsent = user.body.substr(static_cast<std::size_t>(offset));
  return CURL_SEEKFUNC_OK;
}

}  // namespace

std::unique_ptr<HttpEngine> MakeCurlEngine(const HttpOptions& options, EventLoop& loop,
                                           std::uint32_t users, HttpEngineClient& client) {
  auto engine = std::make_unique<CurlEngine>(options, loop, users, client);
  engine->Init();
  return engine;
}

}  // namespace pylogen::cuts
