// Reading a text input file of the command line (a defaults file, a scenario
// file, a schedule's matrix file) whole, without ever blocking: it must be a
// regular file of at most kMaxInputFileBytes. A FIFO, a device, a directory
// or a larger file is refused with a reason, never waited on or read forever.
// A UTF-8 byte order mark at the start (editors on Windows write one) is
// skipped: the text begins after it. Paths are echoed as util::Excerpt.
// Supervisor process, before anything is forked.
#ifndef PYLOGEN_UTIL_INPUT_FILE_H_
#define PYLOGEN_UTIL_INPUT_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace pylogen::util {

inline constexpr std::size_t kMaxInputFileBytes = 16u << 20;  // 16 MiB
// The UTF-8 encoding of U+FEFF, skipped at the start of a text input.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The file's text (without a leading BOM), or an error naming `role` ("scenario file") and the path:
// "cannot read scenario file 'F': No such file or directory", "scenario file
// 'F' is a FIFO, expected a regular file".
// `max_bytes`: the bound (a JSON report has its own, larger one).
std::expected<std::string, std::string> ReadInputFile(std::string_view role, const std::string& path,
                                                      std::size_t max_bytes = kMaxInputFileBytes);

// What a file of `mode` (stat's st_mode) that is not a regular file is, for
// messages: "a directory", "a FIFO", "a socket", "a device", else "not a
// regular file".
const char* KindOf(mode_t mode);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_INPUT_FILE_H_
