#include "util/log.h"

#include <unistd.h>

namespace pylogen::log {
namespace {

int g_level = 0;
std::string g_role = "pylogen";

const char* LevelName(Level level) {
  switch (level) {
    case Level::kError: return "error";
    case Level::kWarning: return "warning";
    case Level::kInfo: return "info";
    case Level::kDebug: return "debug";
  }
  return "?";
}

}  // namespace

void SetLevel(int verbosity) { g_level = verbosity; }
void SetRole(std::string role) { g_role = std::move(role); }
bool Enabled(Level level) { return static_cast<int>(level) <= g_level; }

void Write(Level level, std::string_view message) {
  // One write(2) per line: lines of concurrent processes do not interleave.
  std::string line = fmt::format("{}: {}: {}\n", g_role, LevelName(level), message);
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace pylogen::log
