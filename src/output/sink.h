// A buffered writer to a file descriptor the sink does not own (opened by
// main before anything is forked). Reader process only.
//
// Write errors do not stop the run: the first one is kept (error()) and the
// bytes that could not be written are counted, so that the summary can say
// that event lines were lost and why.
#ifndef PYLOGEN_OUTPUT_SINK_H_
#define PYLOGEN_OUTPUT_SINK_H_

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

  const std::string& error() const { return error_; }
  std::uint64_t lost_bytes() const { return lost_bytes_; }

  static constexpr std::size_t kFlushBytes = 1 << 20;

 private:
  void WriteAll(const char* data, std::size_t size);
  int fd_;
  fmt::memory_buffer buffer_;
  std::string error_;
  std::uint64_t lost_bytes_ = 0;
};

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_SINK_H_
