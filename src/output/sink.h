// A buffered writer to a file descriptor the sink does not own (opened by
// main before anything is forked). Reader process only.
//
// Write errors do not stop the writer's caller: the first one is kept
// (error(), error_number()) and nothing more is written; the bytes and the
// lines ('\n') that could not be written are counted, so that the summary
// can say how many event lines were lost and why. A closed pipe (EPIPE:
// `| head`, a FIFO whose reader went away) is told apart by closed(): the
// reader then stops the run (reader.h). REQUIRES SIGPIPE ignored.
#ifndef PYLOGEN_OUTPUT_SINK_H_
#define PYLOGEN_OUTPUT_SINK_H_

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace pylogen::output {

class FdSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}

  // The buffer to append to; Flush() when it is big enough.
  fmt::memory_buffer& buffer() { return buffer_; }
  void FlushIfFull() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  void Flush();
  void Write(std::string_view text);
  // Counts `lines` the caller did not even format, the sink having failed.
  void Discard(std::uint64_t lines) { lost_lines_ += lines; }

  bool failed() const { return error_number_ != 0; }
  bool closed() const { return error_number_ == EPIPE; }
  int error_number() const { return error_number_; }
  const std::string& error() const { return error_; }
  std::uint64_t lost_bytes() const { return lost_bytes_; }
  std::uint64_t lost_lines() const { return lost_lines_; }

  static constexpr std::size_t kFlushBytes = 1 << 20;

 private:
  void WriteAll(const char* data, std::size_t size);
  void Lose(const char* data, std::size_t size);
  int fd_;
  fmt::memory_buffer buffer_;
  int error_number_ = 0;
  std::string error_;
  std::uint64_t lost_bytes_ = 0;
  std::uint64_t lost_lines_ = 0;
};

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_SINK_H_
