// A CUT's stdout kept out of the event lines. The reader writes the event
// lines and the summary on pylogen's stdout; whatever a CUT writes on its
// own stdout (printf, std::cout, write(1, ...)) goes instead to stderr, one
// line at a time, prefixed as pylogen's other stderr lines are by the
// process' role: "runner-3: stdout: text".
//
// CutStdoutRelay: once per slot child (closed runner, opened worker), after
// fork, before the CUT is constructed; it lives until the child's body
// returned. It owns a pipe whose write end replaces fd 1 (dup2) and a relay
// thread that reads the other end and writes each line to fd 2 with one
// write(2), so that lines of several processes never interleave mid-line.
// The supervisor starts no thread: the relay is the child's only one besides
// what the CUT starts. The per-request path is untouched: only the CUT's own
// writes go through the pipe.
//
// Caveats (by design):
// - A CUT that writes faster than stderr drains blocks on the full pipe, as
//   it would on a slow terminal.
// - The relay thread is a task: it counts against RLIMIT_NPROC (ulimit -u),
//   pids.max and kernel.threads-max like a process (plan/capacity.h counts
//   processes only).
// - A process killed (SIGKILL: a grace kill, a crash), or a CUT that calls
//   exit() itself, loses what it printed
//   that the relay had not written yet, and what stdio still buffered.
// - What a process the CUT started (fork, system) prints after its parent
//   ended is dropped: the relay stops when its own process ends.
// - The rule holds whatever --output says: a CUT's stdout never goes to
//   pylogen's stdout.
//
// The supervisor runs CUT code too, without a thread to spare: the CUT's
// static constructors when it dlopens it (WithCutStdoutCaptured: prefixed
// "pylogen: stdout: ") and its static destructors at dlclose or exit
// (CutStdoutToStderr: unprefixed, on stderr).
#ifndef PYLOGEN_PROCESS_CUT_STDOUT_H_
#define PYLOGEN_PROCESS_CUT_STDOUT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "util/unique_fd.h"

namespace pylogen::process {

// A line longer than this (without its newline) is cut into pieces of this
// size, each prefixed: one write(2) stays below PIPE_BUF-ish sizes a
// terminal or a log collector handles as one piece.
inline constexpr std::size_t kCutLinePiece = 4096;

// The prefix of the lines of `role`: "runner-3: stdout: ".
std::string CutStdoutPrefix(std::string_view role);

// Bytes in, prefixed lines out (each ending in '\n'). Pure: the relay's
// logic, apart from its pipe and thread.
class LineSplitter {
 public:
  explicit LineSplitter(std::string prefix, std::size_t piece = kCutLinePiece);

  // The lines `bytes` completes, in order; the rest of a line waits for
  // more bytes (or Finish), but a piece of `piece` bytes is a line already.
  std::vector<std::string> Feed(std::string_view bytes);
  // The partial last line, with a newline added; "" when there is none.
  std::string Finish();

 private:
  std::string Line(std::string_view text) const;

  std::string prefix_;
  std::size_t piece_;
  std::string partial_;
  bool cut_ = false;  // the last line was a full piece, cut without its newline
};

// Owns the redirection of fd 1 in a slot child (see above). Move-less: it
// lives on the child's stack for the whole body. When no pipe or no thread
// can be had (a machine out of fds or tasks), fd 1 points at stderr
// instead: the CUT's lines unprefixed, still never on pylogen's stdout.
class CutStdoutRelay {
 public:
  explicit CutStdoutRelay(std::string role);
  CutStdoutRelay(const CutStdoutRelay&) = delete;
  CutStdoutRelay& operator=(const CutStdoutRelay&) = delete;
  // Finish().
  ~CutStdoutRelay();

  // Flushes stdio and std::cout (unsynced streams too), points fd 1 at
  // stderr, tells the relay to stop and joins it: every line the CUT wrote
  // before is on stderr when it returns. Idempotent.
  void Finish();

  bool active() const { return thread_.joinable(); }

 private:
  static void Unrelayed(const char* what, int error);

  util::UniqueFd read_;  // the pipe's read end, the relay's
  util::UniqueFd stop_read_;
  util::UniqueFd stop_write_;  // a byte written by Finish: the relay drains and ends
  std::thread thread_;
};

// Supervisor only, before anything is forked: runs `load` (a CUT's dlopen,
// its static constructors) with fd 1 on a memory file, then writes what was
// printed there to stderr, prefixed by the supervisor's role ("pylogen").
// No thread, no pipe to fill: the file takes all. When no memory file can
// be made, `load` runs as it is.
void WithCutStdoutCaptured(const std::function<void()>& load);

// Supervisor only, once the reader has written the summary: fd 1 points at
// stderr from now on, so that what the CUTs' static destructors print (at
// dlclose, or at exit) comes after the summary on stderr, not on stdout.
void CutStdoutToStderr();

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_CUT_STDOUT_H_
