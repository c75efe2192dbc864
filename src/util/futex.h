// Futex wait/wake on a 32-bit word in shared memory (not FUTEX_PRIVATE: the
// waiters are other processes). Used by opened-model workers to sleep until
// the generator publishes events.
#ifndef PYLOGEN_UTIL_FUTEX_H_
#define PYLOGEN_UTIL_FUTEX_H_

#include <atomic>
#include <cstdint>

namespace pylogen::util {

// Sleeps while *word == expected, at most timeout_ns; returns on a wake, a
// signal, a timeout or when the word already differs.
void FutexWait(std::atomic<std::uint32_t>* word, std::uint32_t expected, std::int64_t timeout_ns);
// Wakes up to `count` waiters of `word`.
void FutexWake(std::atomic<std::uint32_t>* word, int count);

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_FUTEX_H_
