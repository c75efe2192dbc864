// The shared-memory segment every process of a run maps: a header, one slot
// per worker (its ring's control words, its counters, its state, where its
// ring lies), the table of processes that ended in a slot since reused, the
// rings' records (each slot's ring its own capacity) and the opened loads'
// areas.
//
// Owner: the supervisor creates it before forking anything; every child
// inherits the mapping. It is anonymous shared memory (Boost.Interprocess
// anonymous_shared_memory): there is no name to unlink, and the kernel frees
// it when the last process of the run exits, however it exits.
//
// Writers: a worker writes its own slot's producer fields; the reader writes
// the rings' tails; the supervisor writes the header's phase and counters,
// each slot's state and the ended-processes table. No locks: nothing a
// killed process could leave held.
#ifndef PYLOGEN_SHM_SEGMENT_H_
#define PYLOGEN_SHM_SEGMENT_H_

#include <atomic>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/interprocess/mapped_region.hpp>

#include "shm/jobs_queue.h"
#include "shm/ring.h"
#include "stats/record.h"

namespace pylogen::shm {

inline constexpr std::uint64_t kMagic = 0x6e65676f6c7970ULL;  // "pylogen"
inline constexpr std::uint32_t kLayoutVersion = 4;

enum class Phase : std::uint32_t {
  kRunning = 0,   // work goes on
  kStopping = 1,  // stop requested: finish the call in flight, start no other
  kOver = 2,      // every worker is gone: the reader drains and ends
};

enum class SlotState : std::uint32_t {
  kIdle = 0,      // not started yet
  kRunning = 1,
  kEnded = 2,     // exited 0
  kFailed = 3,    // exited non-zero (its error text says why)
  kCrashed = 4,   // killed by a signal it did not get from the supervisor
  kKilled = 5,    // killed by the supervisor after the grace period
};
const char* SlotStateName(SlotState state);

// What a slot's error text tells; written with it, by the worker.
enum class SlotError : std::uint32_t {
  kNone = 0,
  kStart = 1,     // it could not start: its loop, or its CUT's constructor or setup() (exit 1)
  kTeardown = 2,  // its CUT's teardown() failed (the process still exits 0)
  kEscaped = 3,   // an exception escaped the process' own code (exit 1)
};

// Bytes of an error text kept in the segment (NUL-terminated, truncated):
// room for "CUT: setup failed: " and a CUT's one-line refusal, such as
// pylogen::ExtraCheckKeys' list of known keys (Http's is 163 bytes).
inline constexpr std::size_t kErrorTextBytes = 256;
// Bytes of the first exception text that escaped an event loop's callbacks.
inline constexpr std::size_t kCallbackErrorBytes = 96;

struct SegmentHeader {
  std::uint64_t magic;
  std::uint32_t version;
  std::uint32_t slot_count;
  std::uint64_t ring_records;     // all rings' records together
  std::uint32_t ended_capacity;   // entries of the ended-processes table
  alignas(kCacheLine) std::atomic<std::uint32_t> phase;
  std::atomic<std::uint32_t> started;  // workers forked so far
  std::atomic<std::uint32_t> ended;    // workers reaped so far
  std::atomic<std::int64_t> stop_wall_ns;  // when a stop was requested, else 0
  // Supervisor-owned: entries of the ended-processes table in use; forks
  // that failed, and the first one's text ("cannot fork runner-3: ...").
  std::atomic<std::uint32_t> ended_listed;
  std::atomic<std::uint32_t> fork_failures;
  char fork_error[kErrorTextBytes];
};

struct Slot {
  RingControl ring;
  // Producer-owned counters.
  alignas(kCacheLine) std::atomic<std::uint64_t> ops;        // operations fully reported
  // The sum of their service times (a lone request's duration, a
  // transaction's record's service; 0 for an operation without request),
  // stored before `ops`: the opened model's controller derives the mean
  // service time from both.
  std::atomic<std::uint64_t> service_ns;
  std::atomic<std::uint64_t> empty_ops;  // operations whose func made no request
  std::atomic<std::uint64_t> wait_ns;    // time spent waiting for room in the ring
  std::atomic<std::uint64_t> waits;      // how many times it had to wait
  std::atomic<std::uint32_t> busy;       // operations in flight (blocking: 1 inside func())
  // Supervisor-owned.
  alignas(kCacheLine) std::atomic<SlotState> state;
  std::int32_t pid;
  std::int32_t exit_code;
  std::int32_t signal;
  std::uint16_t load;
  std::uint16_t index;  // runner index within its load
  // Opened model: set by the worker once its CUT is set up; set by the
  // supervisor to ask an idle worker to exit.
  std::atomic<std::uint32_t> ready;
  std::atomic<std::uint32_t> retire;
  // Where this slot's ring lies: set when the segment is made, read-only.
  std::uint64_t ring_offset;    // records from the start of the ring area
  std::uint64_t ring_capacity;  // records, a power of two
  // Supervisor-owned: earlier processes of this slot that found the
  // ended-processes table full: counted here, not listed.
  std::uint32_t unlisted_processes;
  std::uint64_t unlisted_ops;
  std::uint64_t unlisted_empty_ops;
  std::uint64_t unlisted_wait_ns;
  std::uint64_t unlisted_waits;
  std::uint64_t unlisted_callback_errors;  // their loops' escaped exceptions
  // Written by the worker before it exits with a failure, or when its CUT's
  // teardown() failed (error_kind says which; the supervisor resets both).
  char error[kErrorTextBytes];
  SlotError error_kind;
  // An event-driven process' loop figures, written once as it leaves
  // (loop_published last, release).
  std::atomic<std::uint32_t> loop_published;
  std::int64_t cpu_ns;          // user + system CPU time of the process
  std::int64_t run_ns;          // wall time from its loop's creation to then
  std::int64_t lag_p99_ns;      // lateness of its timers: 99th percentile (bucket bound)
  std::int64_t lag_max_ns;
  std::uint64_t lag_timers;     // timers fired
  std::uint64_t callback_errors;  // exceptions that escaped loop callbacks
  char callback_error[kCallbackErrorBytes];  // the first one's message
  std::uint64_t stray_completions;  // its CUT's Complete() of operations not in flight (ignored)
  std::uint64_t cancel_errors;      // exceptions its CUT's cancel() threw
  char cancel_error[kCallbackErrorBytes];  // the first one's message
};

// A process that ended in a slot which another process then took (the opened
// model reuses the slot of a retired worker): its final figures, copied by
// the supervisor before the slot is reused, so that each process is reported
// with its own counts.
struct EndedProcess {
  std::int32_t pid;
  std::int32_t exit_code;
  std::int32_t signal;
  SlotState state;
  std::uint32_t slot;
  std::uint16_t load;
  std::uint16_t index;
  std::uint64_t ops;
  std::uint64_t empty_ops;
  std::uint64_t wait_ns;
  std::uint64_t waits;
  char error[kErrorTextBytes];
  // Its loop figures when it was event-driven (loop_published != 0): see Slot.
  std::uint32_t loop_published;
  std::int64_t cpu_ns;
  std::int64_t run_ns;
  std::int64_t lag_p99_ns;
  std::int64_t lag_max_ns;
  std::uint64_t lag_timers;
  std::uint64_t callback_errors;
  char callback_error[kCallbackErrorBytes];
  std::uint64_t stray_completions;
  std::uint64_t cancel_errors;
  char cancel_error[kCallbackErrorBytes];
};
static_assert(std::is_trivially_copyable_v<EndedProcess>);

// Entries of the ended-processes table of a run with opened loads; later
// ended processes are counted in their slot's unlisted_* totals.
inline constexpr std::uint32_t kEndedProcesses = 4096;

// Room for the generator's lateness histogram, as JSON (sparse buckets).
inline constexpr std::size_t kLatenessJsonBytes = 1 << 20;
// Seconds of per-second emission counts kept (one day); later events are
// counted in the totals only.
inline constexpr std::size_t kEmittedSeconds = 86400;

// One opened-model load: its jobs queue and what its generator reports.
// Written by the generator, except the queue's consumer side.
struct OpenedArea {
  JobsControl jobs;
  alignas(kCacheLine) std::atomic<std::uint64_t> scheduled;  // events the schedule made due
  std::atomic<std::uint64_t> emitted;                        // pushed into the queue
  std::atomic<std::uint64_t> dropped;                        // found the queue full
  std::atomic<std::uint32_t> generator_done;                 // no more events will come
  std::int32_t wake_fd;  // eventfd of the event-driven workers (see JobsControl), -1: none
  // Written by the supervisor when the generator ends.
  std::atomic<SlotState> generator_state;
  std::int32_t generator_pid;
  std::int32_t generator_signal;
  std::int32_t generator_exit_code;
  std::int64_t generator_cpu_ns;   // the generator's CPU time, written when it ends
  std::int64_t generator_run_ns;   // its wall time from the first due event to the end
  // Written by the supervisor's controller at each check: the worker count
  // it last computed as needed, and the highest one.
  std::atomic<std::uint32_t> controller_target;
  std::atomic<std::uint32_t> controller_target_max;
  // Written by the supervisor's controller (NoteLimitReached) at each check
  // that wanted more workers than --maxworkers while more than --trigger
  // events were queued:
  // the wall clock of the first such check, the highest count wanted, and
  // how many checks were so capped. 0: the limit was never reached.
  std::atomic<std::int64_t> limit_since_wall_ns;
  std::atomic<std::uint32_t> limit_wanted_max;
  std::atomic<std::uint64_t> limit_checks;
  // Written by the supervisor as it starts the generator: the wall clock of
  // the schedule's time 0 (0: not started), for the time series' target rate.
  std::atomic<std::int64_t> schedule_start_wall_ns;
  std::atomic<std::uint32_t> lateness_size;  // bytes in lateness_json, stored last
  char lateness_json[kLatenessJsonBytes];
  // Events emitted during each second of the schedule (by emission time).
  std::uint32_t emitted_seconds;  // entries of emitted_per_second in use
  std::uint32_t emitted_per_second[kEmittedSeconds];
};

// The worker of `slot` writes its error text (cut to kErrorTextBytes - 1)
// and what it is about, for the supervisor (which says it on stderr, once
// for many processes alike) and the summary. Worker process only.
void RecordError(Slot& slot, SlotError kind, std::string_view text);

// Records a controller check of `area`'s load that wanted `wanted` workers,
// more than --maxworkers allows, while events were queued, at wall clock
// `wall_ns`. Supervisor only.
void NoteLimitReached(OpenedArea& area, std::uint32_t wanted, std::int64_t wall_ns);

// What a segment holds: one ring per slot of the given capacities (records,
// powers of two >= 2), `opened_count` opened loads with jobs queues of
// `jobs_capacity` events (a power of two), and an ended-processes table.
struct SegmentShape {
  std::vector<std::uint64_t> ring_capacities;  // one per slot
  std::uint32_t opened_count = 0;
  std::uint64_t jobs_capacity = 0;
  std::uint32_t ended_capacity = 0;
};

// Owns the mapping. Move-only.
class Segment {
 public:
  // Maps and pre-faults a segment of this shape.
  static std::expected<Segment, std::string> Create(const SegmentShape& shape);
  // `slot_count` rings of `ring_capacity` records each; an ended-processes
  // table of kEndedProcesses entries when there are opened loads.
  static std::expected<Segment, std::string> Create(std::uint32_t slot_count,
                                                    std::uint64_t ring_capacity,
                                                    std::uint32_t opened_count = 0,
                                                    std::uint64_t jobs_capacity = 0);

  SegmentHeader& header() const { return *header_; }
  Slot& slot(std::uint32_t i) const { return slots_[i]; }
  std::uint32_t slot_count() const { return header_->slot_count; }
  std::uint64_t ring_capacity(std::uint32_t i) const { return slots_[i].ring_capacity; }
  stats::Record* records(std::uint32_t i) const { return records_ + slots_[i].ring_offset; }
  std::size_t size() const { return region_.get_size(); }
  // Bytes of all the rings' records.
  std::uint64_t ring_bytes() const { return header_->ring_records * sizeof(stats::Record); }

  // The ended-processes table: entries [0, ended_listed()).
  const EndedProcess& ended(std::uint32_t i) const { return ended_[i]; }
  std::uint32_t ended_listed() const { return header_->ended_listed.load(std::memory_order_acquire); }
  // Moves the figures of the process that ended in `slot` into the table
  // (or, when it is full, into the slot's unlisted totals) and zeroes the
  // slot's counters, before another process takes the slot. An event-driven
  // process' loop figures go with it into the table; one only counted keeps
  // its callback errors' count (unlisted_callback_errors), the rest has no
  // entry to go to. Supervisor only.
  // REQUIRES: the slot's process was reaped.
  void ArchiveSlot(std::uint32_t slot) const;
  // Counts a fork that failed; keeps the first one's text.
  void RecordForkFailure(const std::string& text) const;

  OpenedArea& opened(std::uint32_t i) const { return *OpenedAt(i); }
  JobsQueue Jobs(std::uint32_t i) const {
    return JobsQueue(&OpenedAt(i)->jobs, CellsOf(OpenedAt(i)), jobs_capacity_);
  }

  RingProducer Producer(std::uint32_t i) const {
    return RingProducer(&slots_[i].ring, records(i), ring_capacity(i));
  }
  RingConsumer Consumer(std::uint32_t i) const {
    return RingConsumer(&slots_[i].ring, records(i), ring_capacity(i));
  }

  Phase phase() const { return static_cast<Phase>(header_->phase.load(std::memory_order_acquire)); }
  void set_phase(Phase phase) const {
    header_->phase.store(static_cast<std::uint32_t>(phase), std::memory_order_release);
  }

 private:
  Segment(boost::interprocess::mapped_region region, const SegmentShape& shape);
  OpenedArea* OpenedAt(std::uint32_t i) const {
    return reinterpret_cast<OpenedArea*>(opened_base_ + i * opened_stride_);
  }
  static JobCell* CellsOf(OpenedArea* area) {
    return reinterpret_cast<JobCell*>(reinterpret_cast<char*>(area) + sizeof(OpenedArea));
  }
  boost::interprocess::mapped_region region_;
  char* opened_base_ = nullptr;
  std::size_t opened_stride_ = 0;
  std::uint64_t jobs_capacity_ = 0;
  SegmentHeader* header_;
  Slot* slots_;
  EndedProcess* ended_;
  stats::Record* records_;
};

// Bytes a segment of this shape needs.
std::size_t SegmentBytes(const SegmentShape& shape);
std::size_t SegmentBytes(std::uint32_t slot_count, std::uint64_t ring_capacity,
                         std::uint32_t opened_count = 0, std::uint64_t jobs_capacity = 0);

}  // namespace pylogen::shm

#endif  // PYLOGEN_SHM_SEGMENT_H_
