#include "output/interval_spool.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "output/json_stream.h"
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

ReportSplicer::ReportSplicer(int fd, IntervalSpool* spool)
    : fd_(fd), spool_(spool), needle_(fmt::format("\"intervals\": \"{}\"", kIntervalsPlaceholder)) {}

int ReportSplicer::Write(std::string_view chunk) {
  if (error_ != 0) return error_;
  if (spliced_) return error_ = WriteAllTo(fd_, chunk);
  pending_.append(chunk);
  std::size_t at = pending_.find(needle_);
  if (at == std::string::npos) {
    // Keep what could be the start of the placeholder; write the rest.
    std::size_t keep = std::min(pending_.size(), needle_.size() - 1);
    std::size_t out = pending_.size() - keep;
    if (out != 0) {
      error_ = WriteAllTo(fd_, std::string_view(pending_).substr(0, out));
      pending_.erase(0, out);
    }
    return error_;
  }
  spliced_ = true;
  std::size_t value = at + needle_.size() - kIntervalsPlaceholder.size() - 2;  // the opening quote
  std::string_view text(pending_);
  if ((error_ = WriteAllTo(fd_, text.substr(0, value))) != 0) return error_;
  if ((error_ = spool_ != nullptr ? spool_->CopyListTo(fd_) : WriteAllTo(fd_, "[]")) != 0) return error_;
  error_ = WriteAllTo(fd_, text.substr(at + needle_.size()));
  pending_.clear();
  return error_;
}

int ReportSplicer::Finish() {
  if (error_ != 0) return error_;
  error_ = WriteAllTo(fd_, pending_);
  pending_.clear();
  return error_;
}

int WriteReportTo(int fd, std::string_view report, IntervalSpool* spool) {
  ReportSplicer splicer(fd, spool);
  splicer.Write(report);
  return splicer.Finish();
}

int WriteJsonReportTo(int fd, const nlohmann::json& report, IntervalSpool* spool) {
  ReportSplicer splicer(fd, spool);
  DumpJsonInChunks(report, 2, [&splicer](std::string_view chunk) { splicer.Write(chunk); });
  return splicer.Finish();
}

}  // namespace pylogen::output
