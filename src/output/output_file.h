// Opening the run's output files (--output, --report) in the main process,
// before anything is forked, without ever holding up SIGINT and SIGTERM.
//
// A file is created (0644) or truncated. A FIFO is fine, but its open()
// would block until a reader comes, while the run signals are blocked
// (process::BlockRunSignals): only SIGKILL could end that wait. So every
// open is non-blocking; a FIFO without a reader (ENXIO) is retried every
// kReaderPollNs while sigtimedwait() takes SIGINT/SIGTERM, and such a signal
// ends the wait (OpenError::interrupted). Once open, the descriptor is made
// blocking again: the reader process writes to it as to any file.
//
// The caller owns the descriptors (util::UniqueFd); the reader process
// inherits them through fork.
//
// The JSON report is never written in place when it is a regular file (or
// none yet): main checks now that its directory takes a new file
// (CheckReplaceable), and the reader writes it at the end to a temporary
// file of that directory renamed over the path (WriteFileAtomically), so
// that no crash leaves half a JSON and a failed write leaves no file. Only
// a FIFO or a device (/dev/stdout, /dev/full) is opened now, as --output is
// (WrittenInPlace).
//
// REQUIRES: SIGINT and SIGTERM blocked in the calling thread.
#ifndef PYLOGEN_OUTPUT_OUTPUT_FILE_H_
#define PYLOGEN_OUTPUT_OUTPUT_FILE_H_

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.h"

namespace pylogen::output {

struct OpenError {
  std::string text;          // one line, naming the option and the file
  bool interrupted = false;  // a SIGINT/SIGTERM came while a FIFO waited for its reader
};

// How often a FIFO without a reader is tried again.
inline constexpr std::int64_t kReaderPollNs = 20'000'000;

// Opens `path` for writing as `option`'s file ("--output").
std::expected<util::UniqueFd, OpenError> OpenOutputFile(const std::string& option,
                                                        const std::string& path);

struct OutputRequest {
  std::string option;
  std::string path;  // empty: not asked for (its fd stays closed)
};

// Opens each asked-for file, existing FIFOs first: a signal while one waits
// for its reader leaves no other file created or truncated. The fds come
// back in the order of `requests`.
std::expected<std::vector<util::UniqueFd>, OpenError> OpenOutputFiles(
    const std::vector<OutputRequest>& requests);

// True when `path` names something that is written through, not replaced:
// a FIFO or a device. False for a regular file, a directory or nothing.
bool WrittenInPlace(const std::string& path);

// Checks that a file can be put at `path` by WriteFileAtomically (its
// directory takes a new file: one is created and removed at once); returns
// the path to rename onto (a symbolic link resolved: its target is replaced).
// `option` names the culprit in the error ("--report").
std::expected<std::string, OpenError> CheckReplaceable(const std::string& option,
                                                       const std::string& path);

// The temporary file of `path` for process `pid`'s attempt `attempt`: a
// hidden file of the same directory.
std::string TemporaryPathFor(const std::string& path, long pid, int attempt);

// Writes `text` to a new temporary file next to `path` (0644 less the
// umask), then renames it over `path`. On any error the temporary file is
// removed and the text says "OPTION: cannot write 'PATH': STRERROR".
std::expected<void, std::string> WriteFileAtomically(const std::string& option, const std::string& path,
                                                     std::string_view text);
// Same, the content written by `write` to the temporary file's fd (for a
// report streamed from a spool): it returns 0, or the errno of its failure.
std::expected<void, std::string> WriteFileAtomically(const std::string& option, const std::string& path,
                                                     const std::function<int(int fd)>& write);
// Writes all of `text` to `fd` (EINTR retried): 0, or the errno.
int WriteAllTo(int fd, std::string_view text);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_OUTPUT_FILE_H_
