// The time series' spool: closed intervals (stats/interval_series.h), one
// JSON object a line, kept in an anonymous temporary file while the run
// goes on, so that the reader's memory stays bounded on long runs; and the
// report's writer that splices them in as the `intervals` list.
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

#include <nlohmann/json_fwd.hpp>

#include "util/unique_fd.h"

namespace pylogen::output {

// The report's `intervals` value while it is dumped; WriteReportTo puts the
// spooled lines in its place.
inline constexpr std::string_view kIntervalsPlaceholder = "@@pylogen-spooled-intervals@@";

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

// The report's text, given in consecutive chunks, written to fd with the
// spool's list in place of the quoted kIntervalsPlaceholder (an empty list
// without a spool); the placeholder may straddle chunks. A text without it
// is written as it is. Write() and Finish() return 0 or an errno; after an
// error nothing more is written.
class ReportSplicer {
 public:
  ReportSplicer(int fd, IntervalSpool* spool);
  int Write(std::string_view chunk);
  int Finish();  // the bytes held back while looking for the placeholder

 private:
  int fd_;
  IntervalSpool* spool_;
  std::string needle_;   // "\"intervals\": \"@@...@@\""
  std::string pending_;  // at most needle_.size() - 1 bytes, until the placeholder is found
  bool spliced_ = false;
  int error_ = 0;
};

// The whole text at once (tests, small reports).
int WriteReportTo(int fd, std::string_view report, IntervalSpool* spool);
// A JSON report, dumped in chunks (output/json_stream.h: never one string)
// with indent 2 and invalid UTF-8 replaced.
int WriteJsonReportTo(int fd, const nlohmann::json& report, IntervalSpool* spool);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_INTERVAL_SPOOL_H_
