#include "util/signal_name.h"

#include <signal.h>
#include <string.h>

#include <fmt/format.h>

namespace pylogen::util {

std::string SignalName(int signo) {
  if (const char* abbrev = sigabbrev_np(signo); abbrev != nullptr) return fmt::format("SIG{}", abbrev);
  if (signo >= SIGRTMIN && signo <= SIGRTMAX) return fmt::format("SIGRTMIN+{}", signo - SIGRTMIN);
  return fmt::format("signal {}", signo);
}

}  // namespace pylogen::util
