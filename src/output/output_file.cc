#include "output/output_file.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>
#include <cstring>

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

}  // namespace pylogen::output
