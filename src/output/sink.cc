#include "output/sink.h"

#include <unistd.h>

#include <cerrno>
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

void FdSink::WriteAll(const char* data, std::size_t size) {
  if (!error_.empty()) {
    lost_bytes_ += size;
    return;
  }
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? std::strerror(errno) : "write returned 0";
      lost_bytes_ += size;
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace pylogen::output
