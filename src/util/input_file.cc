#include "util/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/excerpt.h"
#include "util/unique_fd.h"

namespace pylogen::util {
const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

namespace {

std::expected<void, std::string> CheckRegular(std::string_view role, const std::string& path,
                                              const struct stat& st, std::size_t max_bytes) {
  if (!S_ISREG(st.st_mode)) {
    return std::unexpected(fmt::format("{} '{}' is {}, expected a regular file", role, Excerpt(path), KindOf(st.st_mode)));
  }
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return std::unexpected(fmt::format("{} '{}' is {} bytes, more than the {} MiB an input file may hold",
                                       role, Excerpt(path), st.st_size, max_bytes >> 20));
  }
  return {};
}

}  // namespace

std::expected<std::string, std::string> ReadInputFile(std::string_view role, const std::string& path,
                                                      std::size_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return std::unexpected(fmt::format("cannot read {} '{}': {}", role, Excerpt(path), std::strerror(errno)));
  }
  if (auto ok = CheckRegular(role, path, st, max_bytes); !ok) return std::unexpected(ok.error());
  // O_NONBLOCK: had the path become a FIFO since stat(), open() would not wait.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return std::unexpected(fmt::format("cannot read {} '{}': {}", role, Excerpt(path), std::strerror(errno)));
  if (::fstat(fd.get(), &st) != 0) return std::unexpected(fmt::format("cannot read {} '{}': {}", role, Excerpt(path), std::strerror(errno)));
  if (auto ok = CheckRegular(role, path, st, max_bytes); !ok) return std::unexpected(ok.error());
  std::string text;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(fmt::format("cannot read {} '{}': {}", role, Excerpt(path), std::strerror(errno)));
    if (n == 0) {
      if (text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      return std::unexpected(fmt::format("{} '{}' holds more than the {} MiB an input file may hold", role, Excerpt(path),
                                         max_bytes >> 20));
    }
  }
}

}  // namespace pylogen::util
