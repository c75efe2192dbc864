#include "output/interval_spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output/output_file.h"

namespace pylogen::output {
namespace {

std::string SpoolDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

}  // namespace

std::expected<IntervalSpool, std::string> IntervalSpool::Create(const std::string& dir) {
  std::string where = SpoolDir(dir);
  int fd = ::open(where.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    std::string name = where + "/.pylogen-intervals-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0) {
    return std::unexpected(fmt::format("cannot make the time series' spool file in '{}': {}", where,
                                       std::strerror(errno)));
  }
  return IntervalSpool(util::UniqueFd(fd));
}

void IntervalSpool::Append(std::string_view line) {
  if (failed()) {
    ++lost_;
    return;
  }
  buffer_.append(line);
  buffer_.push_back('\n');
  ++lines_;
  if (buffer_.size() >= kFlushBytes) Flush();
}

void IntervalSpool::Flush() {
  if (buffer_.empty() || failed()) return;
  error_number_ = WriteAllTo(fd_.get(), buffer_);
  if (failed()) {
    // The buffered lines are lost too.
    std::uint64_t buffered = 0;
    for (char c : buffer_) buffered += c == '\n';
    lost_ += buffered;
    lines_ -= buffered;
  }
  buffer_.clear();
}

std::string IntervalSpool::error() const { return failed() ? std::strerror(error_number_) : ""; }

int IntervalSpool::CopyListTo(int out) {
  Flush();
  if (int e = WriteAllTo(out, "["); e != 0) return e;
  char chunk[1 << 16];
  off_t offset = 0;
  bool first = true;
  std::uint64_t left = lines_;  // whole lines only: a failed write may have left a part
  std::string pending;
  while (left > 0) {
    ssize_t n = ::pread(fd_.get(), chunk, sizeof chunk, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) break;
    offset += n;
    // Each line becomes "\n" or ",\n" followed by the line without its newline.
    std::string_view data(chunk, static_cast<std::size_t>(n));
    std::string out_text;
    out_text.reserve(data.size() + 64);
    while (!data.empty() && left > 0) {
      std::size_t newline = data.find('\n');
      if (newline == std::string_view::npos) {
        pending.append(data);
        break;
      }
      out_text.append(first ? "\n" : ",\n");
      first = false;
      out_text.append(pending);
      pending.clear();
      out_text.append(data.substr(0, newline));
      data.remove_prefix(newline + 1);
      --left;
    }
    if (int e = WriteAllTo(out, out_text); e != 0) return e;
  }
  return WriteAllTo(out, first ? "]" : "\n]");
}

}  // namespace pylogen::output
