#include "cut/probe.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <link.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "pylogen/cut.h"
#include "util/excerpt.h"
#include "util/signal_name.h"
#include "util/unique_fd.h"

namespace pylogen::cut {
namespace {

using Clock = std::chrono::steady_clock;

// What the probe writes to its report pipe: once dlopen() came back, then
// once the library's termination functions came back too.
constexpr char kLoaded = 'L';
constexpr char kUnloaded = 'U';
// The probe's stderr kept for the message; the rest is read and dropped, so
// that a chatty constructor never blocks on a full pipe.
constexpr std::size_t kStderrKept = 4096;
// Without a pidfd (kernels before 5.3), how often the probe's end is polled.
constexpr int kPollSliceMs = 10;

struct Pipe {
  util::UniqueFd read;
  util::UniqueFd write;
};

std::expected<Pipe, std::string> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return std::unexpected(fmt::format("cannot start the loader: pipe: {}", std::strerror(errno)));
  }
  Pipe pipe{util::UniqueFd(fds[0]), util::UniqueFd(fds[1])};
  // The parent's end only: the probe writes as a blocking process would.
  ::fcntl(pipe.read.get(), F_SETFL, O_NONBLOCK);
  return pipe;
}

// Runs the library's termination functions as exit() would run them
// (glibc's _dl_fini): DT_FINI_ARRAY in reverse, then DT_FINI. Its C++ static
// destructors are among them: crtbegin's entry of the array calls
// __cxa_finalize for the library. dlclose() would not do it for a library
// marked NODELETE (any with a GNU_UNIQUE symbol, which C++ inline variables
// make), and exit() would run pylogen's own destructors in the probe too.
void RunFinalizers(void* handle) {
  link_map* map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == nullptr) return;
  ElfW(Addr) array = 0;
  ElfW(Addr) fini = 0;
  std::size_t array_bytes = 0;
  for (const ElfW(Dyn)* d = map->l_ld; d->d_tag != DT_NULL; ++d) {
    if (d->d_tag == DT_FINI_ARRAY) array = d->d_un.d_ptr;
    if (d->d_tag == DT_FINI_ARRAYSZ) array_bytes = d->d_un.d_val;
    if (d->d_tag == DT_FINI) fini = d->d_un.d_ptr;
  }
  using Function = void (*)();
  if (array != 0) {
    auto* functions = reinterpret_cast<Function*>(map->l_addr + array);
    for (std::size_t i = array_bytes / sizeof(Function); i-- > 0;) functions[i]();
  }
  if (fini != 0) reinterpret_cast<Function>(map->l_addr + fini)();
}

// The probe itself, after fork: never returns, never runs the parent's
// destructors. Everything it touches of the library (its mapping, its
// constructors, its descriptor, its destructors) is what the supervisor will
// touch.
[[noreturn]] void RunProbe(const char* path, pid_t parent, int report_fd, int stderr_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);  // pylogen died before prctl
  prctl(PR_SET_NAME, "cut-probe", 0, 0, 0);
  // A crash is told by the signal that ends the probe: no handler inherited
  // (a sanitizer's would turn it into an exit code).
  for (int signo : {SIGSEGV, SIGBUS, SIGILL, SIGFPE}) ::signal(signo, SIG_DFL);
  int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) ::dup2(null, STDOUT_FILENO);
  ::dup2(stderr_fd, STDERR_FILENO);
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (::write(report_fd, &kLoaded, 1) != 1) _exit(1);
  if (handle != nullptr) {
    const void* symbol = dlsym(handle, kDescriptorSymbol);
    if (symbol != nullptr) {
      // Only a descriptor of this ABI has this size: an older one is shorter
      // (the loader then says which version it is).
      std::uint32_t abi_version = 0;
      std::memcpy(&abi_version, symbol, sizeof abi_version);
      CutDescriptor copy{};
      if (abi_version == kAbiVersion) std::memcpy(&copy, symbol, sizeof copy);
      if (abi_version == kAbiVersion && copy.class_name != nullptr) {
        volatile std::size_t length = strnlen(copy.class_name, 256);
        (void)length;
      }
    }
    RunFinalizers(handle);
  }
  _exit(::write(report_fd, &kUnloaded, 1) == 1 ? 0 : 1);
}

// A pollable fd that becomes readable when `pid` ends; -1 where the kernel
// has no pidfd_open.
util::UniqueFd OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return util::UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return util::UniqueFd();
#endif
}

// A running probe: its pid and pipes, until it is reaped.
class Probe {
 public:
  Probe(pid_t pid, util::UniqueFd report, util::UniqueFd err)
      : pid_(pid), pidfd_(OpenPidFd(pid)), report_(std::move(report)), err_(std::move(err)) {}
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;
  ~Probe() {
    if (pid_ > 0) Kill();
  }

  // Waits for the probe's end until `deadline`, then kills it; reaps it.
  void Wait(Clock::time_point deadline) {
    while (!TryReap()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) {
        Kill();
        timed_out_ = true;
        break;
      }
      Poll(static_cast<int>(
          std::min<std::int64_t>(left.count(), pidfd_ ? left.count() : kPollSliceMs)));
    }
    Drain(report_);  // what it wrote just before its end
    Drain(err_);
  }

  bool loaded() const { return loaded_; }
  bool unloaded() const { return unloaded_; }
  bool timed_out() const { return timed_out_; }
  int status() const { return status_; }
  // The first line the probe wrote on stderr ("" if none).
  std::string FirstLine() const { return said_.substr(0, said_.find('\n')); }

 private:
  bool TryReap() {
    pid_t r;
    while ((r = waitpid(pid_, &status_, WNOHANG)) < 0 && errno == EINTR) {
    }
    if (r != pid_) return false;
    pid_ = 0;
    return true;
  }

  void Kill() {
    kill(pid_, SIGKILL);
    while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }

  void Poll(int timeout_ms) {
    pollfd fds[3];
    nfds_t n = 0;
    for (const util::UniqueFd* fd : {&report_, &err_, &pidfd_}) {
      if (*fd) fds[n++] = pollfd{fd->get(), POLLIN, 0};
    }
    if (::poll(fds, n, timeout_ms) <= 0) return;
    Drain(report_);
    Drain(err_);
  }

  // Reads what `fd` holds now; closes it at its end (EOF or error), so that
  // a hung-up pipe is not polled again.
  void Drain(util::UniqueFd& fd) {
    char buffer[4096];
    while (fd) {
      ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (n <= 0) {
        fd.Reset();
        return;
      }
      if (&fd == &report_) {
        loaded_ = loaded_ || std::memchr(buffer, kLoaded, static_cast<std::size_t>(n)) != nullptr;
        unloaded_ =
            unloaded_ || std::memchr(buffer, kUnloaded, static_cast<std::size_t>(n)) != nullptr;
      } else if (said_.size() < kStderrKept) {
        said_.append(buffer, std::min(static_cast<std::size_t>(n), kStderrKept - said_.size()));
      }
    }
  }

  pid_t pid_;
  util::UniqueFd pidfd_;
  util::UniqueFd report_;
  util::UniqueFd err_;
  bool loaded_ = false;
  bool unloaded_ = false;
  bool timed_out_ = false;
  int status_ = 0;
  std::string said_;
};

std::string Verdict(const Probe& probe, std::chrono::milliseconds timeout) {
  std::string what;
  if (probe.timed_out()) {
    what = fmt::format(
        "the loader did not finish within {:g} s (a static constructor that hangs?); it was killed",
        static_cast<double>(timeout.count()) / 1000);
  } else if (WIFSIGNALED(probe.status())) {
    what = "the loader died of " + util::SignalName(WTERMSIG(probe.status()));
    if (probe.loaded()) what += " while unloading it (in a static destructor?)";
  } else {
    what = fmt::format("the loader exited with code {} while {} it", WEXITSTATUS(probe.status()),
                       probe.loaded() ? "unloading" : "loading");
  }
  std::string said = probe.FirstLine();
  if (!said.empty()) what += " (it said: " + util::Excerpt(said) + ")";
  return what;
}

}  // namespace

std::expected<void, std::string> ProbeLoad(const std::filesystem::path& path,
                                           std::chrono::milliseconds timeout) {
  auto report = MakePipe();
  if (!report) return std::unexpected(report.error());
  auto err = MakePipe();
  if (!err) return std::unexpected(err.error());
  std::fflush(nullptr);  // nothing buffered may be written twice
  pid_t parent = getpid();
  Clock::time_point deadline = Clock::now() + timeout;
  pid_t pid = fork();
  if (pid < 0) {
    return std::unexpected(fmt::format("cannot start the loader: fork: {}", std::strerror(errno)));
  }
  if (pid == 0) RunProbe(path.c_str(), parent, report->write.get(), err->write.get());
  report->write.Reset();  // EOF on the probe's end
  err->write.Reset();
  Probe probe(pid, std::move(report->read), std::move(err->read));
  probe.Wait(deadline);
  if (probe.unloaded() && WIFEXITED(probe.status()) && WEXITSTATUS(probe.status()) == 0) {
    return {};
  }
  return std::unexpected(Verdict(probe, timeout));
}

}  // namespace pylogen::cut
