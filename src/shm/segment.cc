#include "shm/segment.h"

#include <cstring>
#include <new>

#include <boost/interprocess/anonymous_shared_memory.hpp>
#include <boost/interprocess/exceptions.hpp>
#include <fmt/format.h>

namespace pylogen::shm {
namespace {

std::size_t AlignUp(std::size_t n) { return (n + kCacheLine - 1) / kCacheLine * kCacheLine; }
std::size_t HeaderBytes() { return AlignUp(sizeof(SegmentHeader)); }
std::size_t SlotsBytes(std::size_t slot_count) { return AlignUp(sizeof(Slot) * slot_count); }
std::size_t EndedBytes(std::uint32_t capacity) { return AlignUp(sizeof(EndedProcess) * capacity); }
std::size_t OpenedStride(std::uint64_t jobs_capacity) {
  return AlignUp(sizeof(OpenedArea) + sizeof(JobCell) * jobs_capacity);
}
bool PowerOfTwo(std::uint64_t n) { return n >= 2 && (n & (n - 1)) == 0; }

std::uint64_t TotalRecords(const SegmentShape& shape) {
  std::uint64_t total = 0;
  for (std::uint64_t capacity : shape.ring_capacities) total += capacity;
  return total;
}

SegmentShape Uniform(std::uint32_t slot_count, std::uint64_t ring_capacity,
                     std::uint32_t opened_count, std::uint64_t jobs_capacity) {
  return {std::vector<std::uint64_t>(slot_count, ring_capacity), opened_count, jobs_capacity,
          opened_count != 0 ? kEndedProcesses : 0};
}

}  // namespace

const char* SlotStateName(SlotState state) {
  switch (state) {
    case SlotState::kIdle: return "idle";
    case SlotState::kRunning: return "running";
    case SlotState::kEnded: return "ended";
    case SlotState::kFailed: return "failed";
    case SlotState::kCrashed: return "crashed";
    case SlotState::kKilled: return "killed";
  }
  return "unknown";
}

std::size_t SegmentBytes(const SegmentShape& shape) {
  return HeaderBytes() + SlotsBytes(shape.ring_capacities.size()) +
         EndedBytes(shape.ended_capacity) + sizeof(stats::Record) * TotalRecords(shape) +
         shape.opened_count * OpenedStride(shape.jobs_capacity);
}

std::size_t SegmentBytes(std::uint32_t slot_count, std::uint64_t ring_capacity,
                         std::uint32_t opened_count, std::uint64_t jobs_capacity) {
  return SegmentBytes(Uniform(slot_count, ring_capacity, opened_count, jobs_capacity));
}

std::expected<Segment, std::string> Segment::Create(std::uint32_t slot_count,
                                                    std::uint64_t ring_capacity,
                                                    std::uint32_t opened_count,
                                                    std::uint64_t jobs_capacity) {
  return Create(Uniform(slot_count, ring_capacity, opened_count, jobs_capacity));
}

std::expected<Segment, std::string> Segment::Create(const SegmentShape& shape) {
  for (std::uint64_t capacity : shape.ring_capacities) {
    if (!PowerOfTwo(capacity)) {
      return std::unexpected(fmt::format("ring capacity {} is not a power of two >= 2", capacity));
    }
  }
  if (shape.opened_count != 0 && !PowerOfTwo(shape.jobs_capacity)) {
    return std::unexpected(
        fmt::format("jobs queue capacity {} is not a power of two >= 2", shape.jobs_capacity));
  }
  std::size_t bytes = SegmentBytes(shape);
  try {
    return Segment(boost::interprocess::anonymous_shared_memory(bytes), shape);
  } catch (const boost::interprocess::interprocess_exception& e) {
    return std::unexpected(fmt::format("cannot map {} bytes of shared memory: {}", bytes, e.what()));
  }
}

Segment::Segment(boost::interprocess::mapped_region region, const SegmentShape& shape)
    : region_(std::move(region)) {
  auto* base = static_cast<char*>(region_.get_address());
  auto slot_count = static_cast<std::uint32_t>(shape.ring_capacities.size());
  // Pre-fault every page now, before any fork, so that no worker takes page
  // faults on its first records and no allocation can fail mid-run.
  std::memset(base, 0, region_.get_size());
  header_ = new (base) SegmentHeader{};
  header_->magic = kMagic;
  header_->version = kLayoutVersion;
  header_->slot_count = slot_count;
  header_->ring_records = TotalRecords(shape);
  header_->ended_capacity = shape.ended_capacity;
  char* at = base + HeaderBytes();
  slots_ = reinterpret_cast<Slot*>(at);
  std::uint64_t offset = 0;
  for (std::uint32_t i = 0; i < slot_count; ++i) {
    Slot* slot = new (&slots_[i]) Slot{};
    slot->ring_offset = offset;
    slot->ring_capacity = shape.ring_capacities[i];
    offset += shape.ring_capacities[i];
  }
  at += SlotsBytes(slot_count);
  ended_ = reinterpret_cast<EndedProcess*>(at);
  at += EndedBytes(shape.ended_capacity);
  records_ = reinterpret_cast<stats::Record*>(at);
  opened_base_ = reinterpret_cast<char*>(records_ + header_->ring_records);
  opened_stride_ = OpenedStride(shape.jobs_capacity);
  jobs_capacity_ = shape.jobs_capacity;
  for (std::uint32_t i = 0; i < shape.opened_count; ++i) {
    OpenedArea* area = new (OpenedAt(i)) OpenedArea{};
    JobsQueue::Init(CellsOf(area), shape.jobs_capacity);
  }
}

void Segment::ArchiveSlot(std::uint32_t i) const {
  Slot& slot = slots_[i];
  std::uint64_t ops = slot.ops.load(std::memory_order_acquire);
  std::uint64_t empty_ops = slot.empty_ops.load(std::memory_order_relaxed);
  std::uint64_t wait_ns = slot.wait_ns.load(std::memory_order_relaxed);
  std::uint64_t waits = slot.waits.load(std::memory_order_relaxed);
  std::uint32_t n = header_->ended_listed.load(std::memory_order_relaxed);
  if (n < header_->ended_capacity) {
    EndedProcess& e = ended_[n];
    e.pid = slot.pid;
    e.exit_code = slot.exit_code;
    e.signal = slot.signal;
    e.state = slot.state.load(std::memory_order_relaxed);
    e.slot = i;
    e.load = slot.load;
    e.index = slot.index;
    e.ops = ops;
    e.empty_ops = empty_ops;
    e.wait_ns = wait_ns;
    e.waits = waits;
    std::memcpy(e.error, slot.error, sizeof e.error);
    e.loop_published = slot.loop_published.load(std::memory_order_acquire);
    if (e.loop_published != 0) {
      e.cpu_ns = slot.cpu_ns;
      e.run_ns = slot.run_ns;
      e.lag_p99_ns = slot.lag_p99_ns;
      e.lag_max_ns = slot.lag_max_ns;
      e.lag_timers = slot.lag_timers;
      e.callback_errors = slot.callback_errors;
      std::memcpy(e.callback_error, slot.callback_error, sizeof e.callback_error);
      e.stray_completions = slot.stray_completions;
      e.cancel_errors = slot.cancel_errors;
      std::memcpy(e.cancel_error, slot.cancel_error, sizeof e.cancel_error);
    }
    header_->ended_listed.store(n + 1, std::memory_order_release);
  } else {
    ++slot.unlisted_processes;
    slot.unlisted_ops += ops;
    slot.unlisted_empty_ops += empty_ops;
    slot.unlisted_wait_ns += wait_ns;
    slot.unlisted_waits += waits;
    // A process counted only has no entry to carry its loop figures; its
    // callback errors are kept, as a count, so that they are still warned of.
    if (slot.loop_published.load(std::memory_order_acquire) != 0) {
      slot.unlisted_callback_errors += slot.callback_errors;
    }
  }
  slot.ops.store(0, std::memory_order_relaxed);
  slot.empty_ops.store(0, std::memory_order_relaxed);
  slot.wait_ns.store(0, std::memory_order_relaxed);
  slot.waits.store(0, std::memory_order_relaxed);
  slot.loop_published.store(0, std::memory_order_relaxed);
  slot.callback_errors = 0;
  slot.callback_error[0] = '\0';
  slot.stray_completions = 0;
  slot.cancel_errors = 0;
  slot.cancel_error[0] = '\0';
}

void RecordError(Slot& slot, SlotError kind, std::string_view text) {
  CopyBounded(slot.error, sizeof slot.error, text);
  slot.error_kind = kind;
}

void NoteLimitReached(OpenedArea& area, std::uint32_t wanted, std::int64_t wall_ns) {
  if (area.limit_checks.load(std::memory_order_relaxed) == 0) {
    area.limit_since_wall_ns.store(wall_ns, std::memory_order_relaxed);
  }
  if (wanted > area.limit_wanted_max.load(std::memory_order_relaxed)) {
    area.limit_wanted_max.store(wanted, std::memory_order_relaxed);
  }
  area.limit_checks.fetch_add(1, std::memory_order_relaxed);
}

void Segment::RecordForkFailure(const std::string& text) const {
  if (header_->fork_failures.fetch_add(1, std::memory_order_relaxed) == 0) {
    CopyBounded(header_->fork_error, sizeof header_->fork_error, text);
  }
}

}  // namespace pylogen::shm
