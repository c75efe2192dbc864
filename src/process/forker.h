// The one way the drivers create processes, as an interface (leveldb's Env
// style): the real one forks (ForkChild); a test replaces it to make forks
// fail, or to count them, without forking. Supervisor process only.
#ifndef PYLOGEN_PROCESS_FORKER_H_
#define PYLOGEN_PROCESS_FORKER_H_

#include <sys/types.h>

#include <functional>
#include <string>

namespace pylogen::process {

class Forker {
 public:
  virtual ~Forker() = default;
  // Starts a child named `role` that runs body() and exits with its result.
  // Returns its pid, or -1 with errno set.
  virtual pid_t Fork(const std::string& role, const std::function<int()>& body) = 0;
};

// The forker of a real run (ForkChild). Stateless; lives for the process.
Forker& RealForker();

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_FORKER_H_
