// A bare libcurl client: the reference that pylogen's curl engine is held
// to (issue 11: >= 0.85 x this program's requests per CPU-second, measured
// in the same bench/http.sh run). One process, one thread, N easy handles
// kept alive, each doing one GET after another for D seconds, driven by
// curl_multi_socket_action on its own epoll: libcurl's socket callback adds,
// changes and removes the sockets of the epoll set, its timer callback sets
// the epoll_wait timeout. This is the way an event loop drives libcurl on
// Debian 12's libcurl 7.88 (curl_multi_poll cannot be driven from another
// loop; curl_multi_waitfds came in 8.8), so it is what pylogen's engine does
// without pylogen around it: no records, no rings, no reader.
//
// A plain program, not a Google Benchmark: its figure is requests per CPU
// second of a whole process against a real server (nginx), measured by
// bench/http.sh under /usr/bin/time beside the other generators.
//
// Usage: curl_multi_client URL [--connections N] [--duration S] [--insecure]
//                              [--header "Name: value"]...
// Prints one JSON object on stdout at the end:
//   {"requests", "errors", "transport_errors", "status_errors", "connects",
//    "connections", "seconds", "cpu_s"}
// requests counts every transfer that ended (an error too), errors those
// that failed (a transport error, or a status outside 200-399), connects the
// connections libcurl opened (N when every handle kept its connection).
// Bad arguments: one line on stderr, exit 2.
#include <curl/curl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

struct Options {
  std::string url;
  long connections = 32;
  double duration_s = 10;
  bool insecure = false;
  std::vector<std::string> headers;
};

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "curl_multi_client: error: %s\n", what.c_str());
  std::exit(2);
}

template <typename T>
T ParseNumber(std::string_view option, std::string_view text, T min, T max) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    Fail(std::string(option) + " " + std::string(text) + ": expected a number from " +
         std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) Fail(std::string(a) + ": no value given");
      return argv[++i];
    };
    if (a == "--connections") {
      o.connections = ParseNumber<long>(a, value(), 1, 100'000);
    } else if (a == "--duration") {
      o.duration_s = ParseNumber<double>(a, value(), 0.001, 86'400);
    } else if (a == "--insecure") {
      o.insecure = true;
    } else if (a == "--header") {
      o.headers.emplace_back(value());
    } else if (a.starts_with("--")) {
      Fail(std::string(a) +
           ": unknown option (expected --connections, --duration, --insecure or --header)");
    } else if (o.url.empty()) {
      o.url = a;
    } else {
      Fail(std::string(a) + ": a second URL (expected one)");
    }
  }
  if (o.url.empty()) Fail("no URL given (usage: curl_multi_client URL [--connections N] ...)");
  if (!o.url.starts_with("http://") && !o.url.starts_with("https://")) {
    Fail("URL '" + o.url + "': expected one http:// or https:// URL");
  }
  return o;
}

using Clock = std::chrono::steady_clock;

class Client {
 public:
  explicit Client(const Options& options) : options_(options) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) Fail(std::string("epoll_create1: ") + std::strerror(errno));
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Client::OnSocket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Client::OnTimer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, options.connections);
    for (const std::string& h : options.headers) headers_ = curl_slist_append(headers_, h.c_str());
    for (long i = 0; i < options.connections; ++i) easies_.push_back(MakeEasy());
  }
  ~Client() {
    for (CURL* e : easies_) {
      curl_multi_remove_handle(multi_, e);
      curl_easy_cleanup(e);
    }
    curl_multi_cleanup(multi_);
    curl_slist_free_all(headers_);
    close(epoll_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs until the duration has passed and every transfer in flight ended.
  void Run() {
    auto start = Clock::now();
    deadline_ = start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(options_.duration_s));
    for (CURL* e : easies_) Add(e);
    int running = 0;
    curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    Collect();
    std::vector<epoll_event> events(256);
    while (in_flight_ > 0) {
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms_);
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail(std::string("epoll_wait: ") + std::strerror(errno));
      }
      if (n == 0) {
        curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
      }
      for (int i = 0; i < n; ++i) {
        int mask = 0;
        if (events[i].events & (EPOLLIN | EPOLLHUP)) mask |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (events[i].events & EPOLLERR) mask |= CURL_CSELECT_ERR;
        curl_multi_socket_action(multi_, events[i].data.fd, mask, &running);
      }
      Collect();
    }
    seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
  }

  void Print() const {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    double cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
                 static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    std::printf(
        "{\"requests\":%llu,\"errors\":%llu,\"transport_errors\":%llu,\"status_errors\":%llu,"
        "\"connects\":%llu,\"connections\":%ld,\"seconds\":%.6f,\"cpu_s\":%.6f}\n",
        static_cast<unsigned long long>(requests_),
        static_cast<unsigned long long>(transport_errors_ + status_errors_),
        static_cast<unsigned long long>(transport_errors_),
        static_cast<unsigned long long>(status_errors_), static_cast<unsigned long long>(connects_),
        options_.connections, seconds_, cpu);
  }

  bool AllFailed() const { return requests_ > 0 && transport_errors_ == requests_; }

 private:
  static size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

  CURL* MakeEasy() {
    CURL* e = curl_easy_init();
    if (e == nullptr) Fail("curl_easy_init failed");
    curl_easy_setopt(e, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Client::Discard);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 5'000L);
    if (headers_ != nullptr) curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_);
    if (options_.insecure) {
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return e;
  }

  void Add(CURL* e) {
    CURLMcode rc = curl_multi_add_handle(multi_, e);
    if (rc != CURLM_OK) Fail(std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc));
    ++in_flight_;
  }

  // Counts every finished transfer and starts the handle's next request
  // (on its kept-alive connection) until the deadline.
  void Collect() {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* e = m->easy_handle;
      CURLcode result = m->data.result;
      ++requests_;
      if (result != CURLE_OK) {
        ++transport_errors_;
      } else {
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        if (status < 200 || status >= 400) ++status_errors_;
      }
      long connects = 0;
      curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
      connects_ += static_cast<std::uint64_t>(connects);
      curl_multi_remove_handle(multi_, e);
      --in_flight_;
      if (Clock::now() < deadline_) Add(e);
    }
  }

  static int OnSocket(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) {
    auto* self = static_cast<Client*>(userp);
    if (what == CURL_POLL_REMOVE) {
      epoll_ctl(self->epoll_, EPOLL_CTL_DEL, fd, nullptr);
      curl_multi_assign(self->multi_, fd, nullptr);
      return 0;
    }
    epoll_event ev{};
    ev.data.fd = fd;
    if (what & CURL_POLL_IN) ev.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) ev.events |= EPOLLOUT;
    // socketp marks a socket already in the epoll set.
    int op = socketp != nullptr ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(self->epoll_, op, fd, &ev) != 0) {
      // A descriptor libcurl closed and reused before telling us.
      op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
      if (epoll_ctl(self->epoll_, op, fd, &ev) != 0) return -1;
    }
    curl_multi_assign(self->multi_, fd, self);
    return 0;
  }

  static int OnTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Client*>(userp);
    self->timeout_ms_ = timeout_ms < 0 ? -1 : static_cast<int>(timeout_ms);
    return 0;
  }

  const Options& options_;
  int epoll_ = -1;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::vector<CURL*> easies_;
  Clock::time_point deadline_;
  int timeout_ms_ = -1;
  long in_flight_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t transport_errors_ = 0;
  std::uint64_t status_errors_ = 0;
  std::uint64_t connects_ = 0;
  double seconds_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options = ParseArgs(argc, argv);
  if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) Fail("curl_global_init failed");
  int rc = 0;
  {
    Client client(options);
    client.Run();
    client.Print();
    if (client.AllFailed()) {
      std::fprintf(stderr, "curl_multi_client: error: every request to %s failed\n",
                   options.url.c_str());
      rc = 1;
    }
  }
  curl_global_cleanup();
  return rc;
}
