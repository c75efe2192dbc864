// A signal by its name, as a user reads it in a message: "SIGKILL", not
// strsignal()'s "Killed" ("killed by Killed" said nothing). Pure.
#ifndef PYLOGEN_UTIL_SIGNAL_NAME_H_
#define PYLOGEN_UTIL_SIGNAL_NAME_H_

#include <string>

namespace pylogen::util {

// "SIGKILL", "SIGRTMIN+3"; "signal 99" for a number with no name.
std::string SignalName(int signo);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_SIGNAL_NAME_H_
