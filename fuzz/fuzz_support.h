// Shared by the libFuzzer targets of fuzz/ (one per parser of the command
// line's inputs). Each target process calls RequireNoImplicitDefaults() once
// at start, so that no defaults.json of the current directory changes what
// the parsers see, and serves file contents the parsers must read (a
// defaults file, a schedule's matrix file) from one InputMemFile: a memfd
// rewritten in place per input, so that no execution writes to the file
// system. Test code only: errors abort (the fuzzer then reports them).
#ifndef PYLOGEN_FUZZ_FUZZ_SUPPORT_H_
#define PYLOGEN_FUZZ_FUZZ_SUPPORT_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::fuzz {

// The parsers read defaults.json of the current directory when it exists:
// a target run where one exists would fuzz that file's options, not the
// input's. Refuses to start there (the fuzzer's corpus and artifact paths
// are relative to the current directory, so it cannot just move away).
inline void RequireNoImplicitDefaults() {
  if (::access("defaults.json", F_OK) == 0) {
    std::fputs("pylogen fuzz: run from a directory without a defaults.json\n", stderr);
    std::exit(1);
  }
}

// A regular file in memory, named by a path the parsers open like any other
// (/proc/self/fd/N); Set() replaces its content.
class InputMemFile {
 public:
  InputMemFile() : fd_(::memfd_create("pylogen-fuzz-input", MFD_CLOEXEC)) {
    if (fd_ < 0) {
      std::perror("pylogen fuzz: memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  InputMemFile(const InputMemFile&) = delete;
  InputMemFile& operator=(const InputMemFile&) = delete;
  ~InputMemFile() { ::close(fd_); }

  void Set(std::string_view content) {
    if (::ftruncate(fd_, 0) != 0 ||
        (!content.empty() &&
         ::pwrite(fd_, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size()))) {
      std::perror("pylogen fuzz: memfd write");
      std::abort();
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

// The fuzzer's bytes as text.
inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Words of an argument vector: split on NUL bytes when the input holds one
// (a word may then hold a newline), else on newlines (one word a line: the
// seed corpus stays readable). Empty words are kept: '' is a bad value too.
inline std::vector<std::string> SplitArguments(std::string_view text) {
  char separator = text.find('\0') != std::string_view::npos ? '\0' : '\n';
  std::vector<std::string> words;
  if (text.empty()) return words;
  for (std::size_t start = 0;;) {
    std::size_t end = text.find(separator, start);
    words.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (separator == '\n' && !words.empty() && words.back().empty()) words.pop_back();
  return words;
}

}  // namespace pylogen::fuzz

#endif  // PYLOGEN_FUZZ_FUZZ_SUPPORT_H_
