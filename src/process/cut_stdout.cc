#include "process/cut_stdout.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "util/log.h"

namespace pylogen::process {
namespace {

// Writes all of `line` to stderr in one write(2) when the pipe or terminal
// takes it whole; an error (a closed stderr) drops it: the CUT must not
// block or die for its prints.
void WriteErr(std::string_view line) {
  while (!line.empty()) {
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

void WriteAll(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) WriteErr(line);
}

// Reads everything the pipe holds now (it is non-blocking); false at its
// end (every writer closed it) or on an error.
bool Drain(int fd, LineSplitter& split) {
  char buffer[kCutLinePiece];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      WriteAll(split.Feed(std::string_view(buffer, static_cast<std::size_t>(n))));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

// The relay thread: lines from the pipe to stderr until the pipe ends or
// the stop pipe is closed; then what the pipe still holds, then the partial
// last line.
void Relay(int read_fd, int stop_fd, std::string prefix) {
  // A write of at most PIPE_BUF bytes to a pipe is atomic: a piece with its
  // prefix and newline fits, so lines of two processes never mix on a
  // stderr that is a pipe.
  std::size_t piece = PIPE_BUF > prefix.size() + 1 + 64 ? PIPE_BUF - prefix.size() - 1 : 64;
  LineSplitter split(std::move(prefix), piece);
  pollfd fds[2] = {{read_fd, POLLIN, 0}, {stop_fd, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0 && !Drain(read_fd, split)) break;
    if (fds[1].revents != 0) {
      Drain(read_fd, split);  // written before Finish: all in the pipe by now
      break;
    }
  }
  WriteErr(split.Finish());
}

}  // namespace

std::string CutStdoutPrefix(std::string_view role) { return fmt::format("{}: stdout: ", role); }

LineSplitter::LineSplitter(std::string prefix, std::size_t piece)
    : prefix_(std::move(prefix)), piece_(piece == 0 ? 1 : piece) {}

std::string LineSplitter::Line(std::string_view text) const {
  std::string line;
  line.reserve(prefix_.size() + text.size() + 1);
  line.append(prefix_).append(text).push_back('\n');
  return line;
}

std::vector<std::string> LineSplitter::Feed(std::string_view bytes) {
  std::vector<std::string> lines;
  while (!bytes.empty()) {
    // A newline right after a full piece ends that line, not an empty one.
    if (std::exchange(cut_, false) && bytes.front() == '\n') {
      bytes.remove_prefix(1);
      continue;
    }
    std::size_t room = piece_ - partial_.size();
    std::size_t newline = bytes.substr(0, room).find('\n');
    if (newline != std::string_view::npos) {
      partial_.append(bytes.substr(0, newline));
      bytes.remove_prefix(newline + 1);
    } else if (bytes.size() >= room) {
      partial_.append(bytes.substr(0, room));  // a full piece: a line of its own
      bytes.remove_prefix(room);
      cut_ = true;
    } else {
      partial_.append(bytes);
      break;
    }
    lines.push_back(Line(partial_));
    partial_.clear();
  }
  return lines;
}

std::string LineSplitter::Finish() {
  if (partial_.empty()) return "";
  std::string line = Line(partial_);
  partial_.clear();
  return line;
}

CutStdoutRelay::CutStdoutRelay(std::string role) {
  std::fflush(stdout);  // nothing of before goes through the pipe
  int data[2];
  int stop[2];
  if (::pipe2(data, O_CLOEXEC) != 0) {
    Unrelayed("pipe", errno);
    return;
  }
  if (::pipe2(stop, O_CLOEXEC) != 0) {
    Unrelayed("pipe", errno);
    ::close(data[0]);
    ::close(data[1]);
    return;
  }
  read_.Reset(data[0]);
  util::UniqueFd write(data[1]);
  stop_read_.Reset(stop[0]);
  stop_write_.Reset(stop[1]);
  ::fcntl(read_.get(), F_SETFL, O_NONBLOCK);
  // The relay takes no signal: a SIGPIPE of a closed stderr is an error of
  // its write, and process-directed signals stay with the CUT's threads.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  try {
    thread_ = std::thread(Relay, read_.get(), stop_read_.get(), CutStdoutPrefix(role));
  } catch (const std::system_error& e) {
    Unrelayed("thread", e.code().value());
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (thread_.joinable()) ::dup2(write.get(), STDOUT_FILENO);
}

void CutStdoutRelay::Unrelayed(const char* what, int error) {
  // Still never pylogen's stdout; said at -vvv only: every process of a
  // machine out of tasks would say it.
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  log::Debug("the CUT's stdout goes to stderr unprefixed ({}: {})", what, std::strerror(error));
}

CutStdoutRelay::~CutStdoutRelay() { Finish(); }

void CutStdoutRelay::Finish() {
  if (!thread_.joinable()) return;
  std::cout.flush();  // a stream unsynced from stdio has its own buffer
  std::fflush(nullptr);
  // fd 1 at stderr from now on: the pipe's last writer is closed, and a late
  // write (an exit path's flush) neither dies of SIGPIPE nor reaches stdout.
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
  // A byte, not a close: a process the CUT forked holds copies of both
  // write ends, and the relay must not wait for it to end.
  char stop = 1;
  while (::write(stop_write_.get(), &stop, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
  stop_write_.Reset();
  read_.Reset();
  stop_read_.Reset();
}

void WithCutStdoutCaptured(const std::function<void()>& load) {
  std::fflush(stdout);
  util::UniqueFd file(::memfd_create("pylogen-cut-stdout", MFD_CLOEXEC));
  util::UniqueFd saved(file ? ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3) : -1);
  if (!saved || ::dup2(file.get(), STDOUT_FILENO) < 0) {
    load();
    return;
  }
  struct Restore {  // fd 1 back on pylogen's stdout, even when load() throws
    int saved;
    ~Restore() {
      std::cout.flush();
      std::fflush(stdout);
      ::dup2(saved, STDOUT_FILENO);
    }
  };
  {
    Restore restore{saved.get()};
    load();
  }
  LineSplitter split(CutStdoutPrefix("pylogen"));  // the supervisor's role (util/log.h)
  char buffer[kCutLinePiece];
  off_t offset = 0;
  for (;;) {
    ssize_t got = ::pread(file.get(), buffer, sizeof buffer, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    offset += got;
    WriteAll(split.Feed(std::string_view(buffer, static_cast<std::size_t>(got))));
  }
  WriteErr(split.Finish());
}

void CutStdoutToStderr() {
  std::cout.flush();
  std::fflush(stdout);
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

}  // namespace pylogen::process
