// Forking the run's processes, naming them, and owning their pids.
//
// A child never returns into the parent's code: it runs its body and leaves
// through _exit, so no destructor of the parent's objects runs twice. Each
// child names itself by role (comm via prctl and the argv area, so that both
// `top` and `ps -ef` show "runner-3" or "reader"), dies with the supervisor
// (PR_SET_PDEATHSIG), and ignores SIGINT/SIGTERM: the supervisor alone
// decides how the run stops.
#ifndef PYLOGEN_PROCESS_CHILD_H_
#define PYLOGEN_PROCESS_CHILD_H_

#include <sys/types.h>

#include <functional>
#include <string>

namespace pylogen::process {

// Remembers the argv area of main() so that children can retitle themselves.
void InitProcessTitle(int argc, char** argv);
// Sets comm (15 chars) and the ps title "pylogen: ROLE".
void SetProcessTitle(const std::string& role);

// Signals the supervisor handles synchronously; blocked from main() on.
void BlockRunSignals();

// Forks a child that runs body() and _exits with its result (1 when it
// throws: the exception is logged, one line from this child; a slot's child
// records it in its slot instead, see slot_child.h). Returns the child's
// pid, or -1 with errno set.
pid_t ForkChild(const std::string& role, const std::function<int()>& body);

}  // namespace pylogen::process

#endif  // PYLOGEN_PROCESS_CHILD_H_
