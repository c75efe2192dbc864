#include "output/sink.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace pylogen::output {

void FdSink::Flush() {
  WriteAll(buffer_.data(), buffer_.size());
  buffer_.clear();
}

void FdSink::Write(std::string_view text) {
  Flush();
  WriteAll(text.data(), text.size());
}

void FdSink::Lose(const char* data, std::size_t size) {
  lost_bytes_ += size;
  lost_lines_ += static_cast<std::uint64_t>(std::count(data, data + size, '\n'));
}

void FdSink::WriteAll(const char* data, std::size_t size) {
  if (failed()) {
    Lose(data, size);
    return;
  }
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_number_ = n < 0 ? errno : EIO;
      error_ = n < 0 ? std::strerror(errno) : "write returned 0";
      Lose(data, size);
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace pylogen::output
