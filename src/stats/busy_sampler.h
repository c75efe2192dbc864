// Busy workers as the reader counts them, once per pass over the rings, for
// the "busy workers" high-water mark (DESIGN §6).
//
// A slot's `busy` word is 1 only while its blocking operation runs: an
// operation of a few microseconds was seldom caught between two samples,
// and a producer waiting for room in a full ring is never busy when the
// reader looks, so a run whose workers never stopped ended with "busy
// workers 0 at -". A slot whose `ops` count moved since the previous sample
// completed an operation in between: it was busy then, and counts for at
// least one (an event-driven process for its calls in flight, if more).
//
// Reader process only; not thread-safe. Pure: the reader passes what it
// read from the slots, so that the rule is tested without processes.
#ifndef PYLOGEN_STATS_BUSY_SAMPLER_H_
#define PYLOGEN_STATS_BUSY_SAMPLER_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pylogen::stats {

class BusySampler {
 public:
  explicit BusySampler(std::uint32_t slots) : last_ops_(slots, 0) {}

  // Slot `slot`'s busy count for this sample: `busy` (its operations in
  // flight now), at least 1 when `ops` (its operations reported) grew since
  // its previous sample. Called for every slot at each pass, running or
  // not; a count that went down is a new process in the slot (the opened
  // model reuses them), which has completed nothing yet.
  // REQUIRES: slot < the slot count given at construction.
  std::uint32_t Sample(std::uint32_t slot, std::uint32_t busy, std::uint64_t ops) {
    bool moved = ops > last_ops_[slot];
    last_ops_[slot] = ops;
    return moved ? std::max<std::uint32_t>(busy, 1) : busy;
  }

 private:
  std::vector<std::uint64_t> last_ops_;
};

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_BUSY_SAMPLER_H_
