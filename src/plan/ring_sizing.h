// How many records each process' ring holds (DESIGN §6), from the plan: a
// pure function of the loads, run once by the plan builder in the
// supervisor, before the segment is mapped.
//
// A process keeps about `concurrency` operations in flight, each of which
// may end in a transaction and its requests: its ring wants room for a few
// records per operation in flight, so that the reader's pauses do not make
// it wait (an event-driven process that waits stalls all its operations).
// Rings also never get smaller than the automatic size of a run of blocking
// processes, which shares kRingBudgetBytes among all rings.
#ifndef PYLOGEN_PLAN_RING_SIZING_H_
#define PYLOGEN_PLAN_RING_SIZING_H_

#include <cstdint>

#include "plan/run_plan.h"

namespace pylogen::plan {

// Shared-memory budget of the automatic ring sizes (all rings together).
inline constexpr std::uint64_t kRingBudgetBytes = 64ull << 20;
inline constexpr std::uint64_t kMaxAutoRing = 16384;
inline constexpr std::uint64_t kMinAutoRing = 64;
// Records per operation in flight a ring has room for.
inline constexpr std::uint64_t kRecordsPerOperation = 4;
// The largest ring sized from a concurrency.
inline constexpr std::uint64_t kMaxRing = 1ull << 20;

// Records per ring of a run of `slot_count` blocking processes: the largest
// power of two that keeps every ring within kRingBudgetBytes, clamped to
// [kMinAutoRing, kMaxAutoRing].
std::uint64_t AutoRingCapacity(std::uint32_t slot_count);

// Records the ring of a process with `concurrency` operations in flight
// wants: the next power of two >= kRecordsPerOperation x concurrency, at
// least `floor`, at most kMaxRing (or `floor` when that is larger).
std::uint64_t WantedRingCapacity(std::uint32_t concurrency, std::uint64_t floor);

// Sets every load's ring_capacity and plan.ring_budget_bytes. `queue` != 0
// (--queue) forces every ring to it. Otherwise each load gets its wanted
// capacity; while the rings together exceed `budget_bytes`, the largest
// rings above AutoRingCapacity are halved (never below it).
// REQUIRES: plan.slot_count and every load's processes and concurrency set.
void SizeRings(RunPlan& plan, std::uint64_t queue, std::uint64_t budget_bytes = kRingBudgetBytes);

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_RING_SIZING_H_
