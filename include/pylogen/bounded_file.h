// pylogen SDK — reading a file a CUT is told to read (a key file: --extra
// "file") whole, without ever blocking and within a bound: it must be a
// regular file of at most kMaxCutFileBytes (16 MiB, the bound of every input
// file of pylogen). A directory, a FIFO, a device or a larger file is refused
// with a reason, never waited on, read forever, or reported with an
// iostream's text ("basic_filebuf::underflow error reading the file").
// Header-only: a CUT is a plugin and cannot link pylogen's own
// util::ReadInputFile. Call it from setup() (it allocates); any process, no
// state.
#ifndef PYLOGEN_BOUNDED_FILE_H_
#define PYLOGEN_BOUNDED_FILE_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <expected>
#include <string>
#include <string_view>

namespace pylogen {

inline constexpr std::size_t kMaxCutFileBytes = std::size_t{16} << 20;  // 16 MiB

// Why a file was not read. `missing`: it does not exist, so that a caller
// may look in the next place; `reason` completes "'PATH' ...": "is a
// directory", "is a FIFO", "is larger than 16 MiB", "cannot be read:
// Permission denied", "is not a file" (an empty path).
struct FileRefusal {
  bool missing = false;
  std::string reason;
};

// `path` in single quotes, one line of bounded length: control characters
// become '?', and a path beyond 200 bytes is cut ("...").
inline std::string QuotedPath(std::string_view path) {
  constexpr std::size_t kMax = 200;
  std::string out = "'";
  for (char c : path.substr(0, kMax)) {
    auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? '?' : c;
  }
  return out + (path.size() > kMax ? "...'" : "'");
}

namespace bounded_file_detail {

inline std::expected<void, FileRefusal> CheckRegular(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return std::unexpected(FileRefusal{false, "is a directory"});
  if (S_ISFIFO(st.st_mode)) return std::unexpected(FileRefusal{false, "is a FIFO"});
  if (S_ISSOCK(st.st_mode)) return std::unexpected(FileRefusal{false, "is a socket"});
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    return std::unexpected(FileRefusal{false, "is a device"});
  }
  if (!S_ISREG(st.st_mode)) return std::unexpected(FileRefusal{false, "is not a regular file"});
  if (static_cast<std::size_t>(st.st_size) > kMaxCutFileBytes) {
    return std::unexpected(FileRefusal{false, "is larger than 16 MiB"});
  }
  return {};
}

inline FileRefusal Unreadable(int error) {
  return FileRefusal{error == ENOENT, error == ENOENT
                                          ? "does not exist"
                                          : std::string("cannot be read: ") + std::strerror(error)};
}

// Closes its fd on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace bounded_file_detail

// The bytes of the regular file at `path`, or why not.
inline std::expected<std::string, FileRefusal> ReadBoundedFile(const std::string& path) {
  namespace detail = bounded_file_detail;
  if (path.empty()) return std::unexpected(FileRefusal{false, "is not a file"});
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::unexpected(detail::Unreadable(errno));
  if (auto ok = detail::CheckRegular(st); !ok) return std::unexpected(ok.error());
  // O_NONBLOCK: had the path become a FIFO since stat(), open() would not wait.
  detail::Fd file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (file.fd < 0) return std::unexpected(detail::Unreadable(errno));
  if (::fstat(file.fd, &st) != 0) return std::unexpected(detail::Unreadable(errno));
  if (auto ok = detail::CheckRegular(st); !ok) return std::unexpected(ok.error());
  std::string bytes;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(detail::Unreadable(errno));
    if (n == 0) return bytes;
    bytes.append(buffer, static_cast<std::size_t>(n));
    if (bytes.size() > kMaxCutFileBytes) {  // it grew after fstat()
      return std::unexpected(FileRefusal{false, "is larger than 16 MiB"});
    }
  }
}

}  // namespace pylogen

#endif  // PYLOGEN_BOUNDED_FILE_H_
