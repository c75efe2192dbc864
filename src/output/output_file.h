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
// REQUIRES: SIGINT and SIGTERM blocked in the calling thread.
#ifndef PYLOGEN_OUTPUT_OUTPUT_FILE_H_
#define PYLOGEN_OUTPUT_OUTPUT_FILE_H_

#include <cstdint>
#include <expected>
#include <string>
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

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_OUTPUT_FILE_H_
