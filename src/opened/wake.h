// Waking the workers of one opened load. Idle blocking workers sleep on the
// jobs queue's futex; event-driven workers with room for more events wait on
// the load's eventfd, which their loop watches (OpenedArea::wake_fd). Each
// kind registers as a waiter before its last look at the queue, and a waker
// publishes before it looks at the waiters (both seq_cst), so no wake-up is
// lost; nothing is written when nobody waits.
//
// Any process of the run (generator, supervisor).
#ifndef PYLOGEN_OPENED_WAKE_H_
#define PYLOGEN_OPENED_WAKE_H_

#include "shm/segment.h"

namespace pylogen::opened {

// Events were published: wakes the workers waiting for some.
void WakeWaiting(shm::OpenedArea& area);
// Something every worker must see now (a stop, a retirement, the end of the
// schedule): wakes them all.
void WakeAll(shm::OpenedArea& area);
// Makes the eventfd readable (an event-driven worker passing the signal on).
void Signal(int wake_fd);

}  // namespace pylogen::opened

#endif  // PYLOGEN_OPENED_WAKE_H_
