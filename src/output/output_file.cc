#include "output/output_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

#include "util/excerpt.h"
#include "util/log.h"

namespace pylogen::output {
namespace {

// Waits up to kReaderPollNs for SIGINT or SIGTERM; true when one came.
bool StopSignalWithin() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  timespec timeout{0, kReaderPollNs};
  int signo = sigtimedwait(&set, nullptr, &timeout);
  return signo == SIGINT || signo == SIGTERM;
}

bool IsFifo(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

}  // namespace

std::expected<util::UniqueFd, OpenError> OpenOutputFile(const std::string& option,
                                                        const std::string& path) {
  bool said = false;
  while (true) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd >= 0) {
      util::UniqueFd owned(fd);
      int flags = fcntl(fd, F_GETFL);
      if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        return std::unexpected(OpenError{
            fmt::format("{}: cannot make '{}' blocking: {}", option, util::Excerpt(path), std::strerror(errno))});
      }
      return owned;
    }
    if (errno == EINTR) continue;
    if (errno != ENXIO) {
      return std::unexpected(OpenError{
          fmt::format("{}: cannot open '{}' for writing: {}", option, util::Excerpt(path), std::strerror(errno))});
    }
    // A FIFO that no process reads yet.
    if (!said) log::Warn("{}: waiting for a reader on the FIFO '{}'", option, path);
    said = true;
    if (StopSignalWithin()) {
      return std::unexpected(OpenError{
          fmt::format("interrupted while waiting for a reader on {} FIFO '{}'", option, util::Excerpt(path)), true});
    }
  }
}

std::expected<std::vector<util::UniqueFd>, OpenError> OpenOutputFiles(
    const std::vector<OutputRequest>& requests) {
  std::vector<util::UniqueFd> fds(requests.size());
  for (bool fifos : {true, false}) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      const OutputRequest& r = requests[i];
      if (r.path.empty() || fds[i] || IsFifo(r.path) != fifos) continue;
      auto fd = OpenOutputFile(r.option, r.path);
      if (!fd) return std::unexpected(fd.error());
      fds[i] = std::move(*fd);
    }
  }
  return fds;
}

namespace {

// Creates a new temporary file for `path` (O_EXCL, a few names tried); the
// caller closes the fd (its close() result matters) and removes the file.
std::expected<std::pair<int, std::string>, int> CreateTemporary(const std::string& path) {
  constexpr int kAttempts = 16;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string temp = TemporaryPathFor(path, static_cast<long>(::getpid()), attempt);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) return std::pair{fd, temp};
    if (errno != EEXIST) return std::unexpected(errno);
  }
  return std::unexpected(EEXIST);
}

}  // namespace

bool WrittenInPlace(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

std::string TemporaryPathFor(const std::string& path, long pid, int attempt) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  // A name of its own, short whatever the report's: NAME_MAX cannot refuse it.
  std::string name = fmt::format(".pylogen-report-{}-{}.tmp", pid, attempt);
  return dir.empty() ? name : (dir / name).string();
}

std::expected<std::string, OpenError> CheckReplaceable(const std::string& option, const std::string& path) {
  auto refuse = [&](int error) {
    return std::unexpected(OpenError{
        fmt::format("{}: cannot open '{}' for writing: {}", option, util::Excerpt(path), std::strerror(error))});
  };
  std::string target = path;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    std::error_code ec;
    auto resolved = std::filesystem::weakly_canonical(path, ec);
    if (ec) return refuse(ec.value());
    target = resolved.string();
  }
  if (::stat(target.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return refuse(EISDIR);
  } else if (errno != ENOENT) {
    return refuse(errno);
  }
  auto probe = CreateTemporary(target);
  if (!probe) return refuse(probe.error());
  ::close(probe->first);
  ::unlink(probe->second.c_str());
  return target;
}

std::expected<void, std::string> WriteFileAtomically(const std::string& option, const std::string& path,
                                                     const std::function<int(int fd)>& write) {
  auto fail = [&](int error) {
    return std::unexpected(
        fmt::format("{}: cannot write '{}': {}", option, util::Excerpt(path), std::strerror(error)));
  };
  auto temp = CreateTemporary(path);
  if (!temp) return fail(temp.error());
  auto& [fd, temp_path] = *temp;
  int error = write(fd);
  if (::close(fd) != 0 && error == 0) error = errno;  // NFS reports late errors here
  if (error == 0 && ::rename(temp_path.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp_path.c_str());
    return fail(error);
  }
  return {};
}

std::expected<void, std::string> WriteFileAtomically(const std::string& option, const std::string& path,
                                                     std::string_view text) {
  return WriteFileAtomically(option, path, [text](int fd) { return WriteAllTo(fd, text); });
}

int WriteAllTo(int fd, std::string_view text) {
  const char* data = text.data();
  std::size_t size = text.size();
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return 0;
}

}  // namespace pylogen::output
