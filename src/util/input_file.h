// Reading an input file of the command line (a defaults file, a scenario
// file, a schedule's matrix file) whole, without ever blocking: it must be a
// regular file of at most kMaxInputFileBytes. A FIFO, a device, a directory
// or a larger file is refused with a reason, never waited on or read forever.
// Supervisor process, before anything is forked.
#ifndef PYLOGEN_UTIL_INPUT_FILE_H_
#define PYLOGEN_UTIL_INPUT_FILE_H_

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace pylogen::util {

inline constexpr std::size_t kMaxInputFileBytes = 16u << 20;  // 16 MiB

// The file's bytes, or an error naming `role` ("scenario file") and the path:
// "cannot read scenario file 'F': No such file or directory", "scenario file
// 'F' is a FIFO, expected a regular file".
std::expected<std::string, std::string> ReadInputFile(std::string_view role, const std::string& path);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_INPUT_FILE_H_
