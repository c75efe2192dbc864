// Diagnostics on stderr, filtered by -v/-vv/-vvv. Each line names the process
// role ("pylogen", "reader", "runner-3") so that interleaved lines from
// several processes stay readable. Process-wide state, set once per process
// (after fork for children); not for the per-request path.
#ifndef PYLOGEN_UTIL_LOG_H_
#define PYLOGEN_UTIL_LOG_H_

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace pylogen::log {

enum class Level { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

void SetLevel(int verbosity);  // 0 errors only, 1 warnings, 2 info, 3 debug
void SetRole(std::string role);
bool Enabled(Level level);
void Write(Level level, std::string_view message);

template <class... Args>
void Error(fmt::format_string<Args...> format, Args&&... args) {
  Write(Level::kError, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void Warn(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kWarning)) Write(Level::kWarning, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void Info(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kInfo)) Write(Level::kInfo, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace pylogen::log

#endif  // PYLOGEN_UTIL_LOG_H_
