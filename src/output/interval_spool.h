// The time series' spool: closed intervals (stats/interval_series.h), one
// JSON object a line, kept in an anonymous temporary file while the run
// goes on, so that the reader's memory stays bounded on long runs; and the
// list that the report's writer (output/report_writer.h) splices in as
// `intervals`.
//
// The file is made in $TMPDIR (else /tmp) with O_TMPFILE, or, where that is
// not supported, mkstemp() and unlink() at once: it has no name, and goes
// away with its one owner, the spool's fd. Appends are buffered (kFlushBytes).
// A write error is kept (error()) and later lines are dropped, counted in
// lost(): the report then holds the intervals written before it.
//
// Reader process only, from the reader's first pass to its Finish.
#ifndef PYLOGEN_OUTPUT_INTERVAL_SPOOL_H_
#define PYLOGEN_OUTPUT_INTERVAL_SPOOL_H_

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "util/unique_fd.h"

namespace pylogen::output {

class IntervalSpool {
 public:
  // In `dir` (empty: $TMPDIR, else /tmp). The error names the directory.
  static std::expected<IntervalSpool, std::string> Create(const std::string& dir = "");

  IntervalSpool(IntervalSpool&&) = default;
  IntervalSpool& operator=(IntervalSpool&&) = default;

  // One interval, as one line of JSON (no newline in it).
  void Append(std::string_view line);
  // Writes the lines, as a JSON list ("[", the lines separated by ",\n",
  // "]"), to fd. Returns 0 or the errno of the failed read or write.
  int CopyListTo(int fd);

  std::uint64_t lines() const { return lines_; }
  std::uint64_t lost() const { return lost_; }
  bool failed() const { return error_number_ != 0; }
  std::string error() const;

  static constexpr std::size_t kFlushBytes = 1 << 16;

 private:
  explicit IntervalSpool(util::UniqueFd fd) : fd_(std::move(fd)) {}
  void Flush();

  util::UniqueFd fd_;
  std::string buffer_;
  std::uint64_t lines_ = 0;  // written or buffered
  std::uint64_t lost_ = 0;
  int error_number_ = 0;
};

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_INTERVAL_SPOOL_H_
