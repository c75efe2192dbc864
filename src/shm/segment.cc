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
std::size_t SlotsBytes(std::uint32_t slot_count) { return AlignUp(sizeof(Slot) * slot_count); }
std::size_t OpenedStride(std::uint64_t jobs_capacity) {
  return AlignUp(sizeof(OpenedArea) + sizeof(JobCell) * jobs_capacity);
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

std::size_t SegmentBytes(std::uint32_t slot_count, std::uint64_t ring_capacity,
                         std::uint32_t opened_count, std::uint64_t jobs_capacity) {
  return HeaderBytes() + SlotsBytes(slot_count) +
         sizeof(stats::Record) * ring_capacity * slot_count +
         opened_count * OpenedStride(jobs_capacity);
}

std::expected<Segment, std::string> Segment::Create(std::uint32_t slot_count,
                                                    std::uint64_t ring_capacity,
                                                    std::uint32_t opened_count,
                                                    std::uint64_t jobs_capacity) {
  if (ring_capacity < 2 || (ring_capacity & (ring_capacity - 1)) != 0) {
    return std::unexpected(fmt::format("ring capacity {} is not a power of two >= 2", ring_capacity));
  }
  if (opened_count != 0 && (jobs_capacity < 2 || (jobs_capacity & (jobs_capacity - 1)) != 0)) {
    return std::unexpected(fmt::format("jobs queue capacity {} is not a power of two >= 2", jobs_capacity));
  }
  std::size_t bytes = SegmentBytes(slot_count, ring_capacity, opened_count, jobs_capacity);
  try {
    return Segment(boost::interprocess::anonymous_shared_memory(bytes), slot_count, ring_capacity,
                   opened_count, jobs_capacity);
  } catch (const boost::interprocess::interprocess_exception& e) {
    return std::unexpected(fmt::format("cannot map {} bytes of shared memory: {}", bytes, e.what()));
  }
}

Segment::Segment(boost::interprocess::mapped_region region, std::uint32_t slot_count,
                 std::uint64_t ring_capacity, std::uint32_t opened_count,
                 std::uint64_t jobs_capacity)
    : region_(std::move(region)) {
  auto* base = static_cast<char*>(region_.get_address());
  // Pre-fault every page now, before any fork, so that no worker takes page
  // faults on its first records and no allocation can fail mid-run.
  std::memset(base, 0, region_.get_size());
  header_ = new (base) SegmentHeader{};
  header_->magic = kMagic;
  header_->version = kLayoutVersion;
  header_->slot_count = slot_count;
  header_->ring_capacity = ring_capacity;
  slots_ = reinterpret_cast<Slot*>(base + HeaderBytes());
  for (std::uint32_t i = 0; i < slot_count; ++i) new (&slots_[i]) Slot{};
  records_ = reinterpret_cast<stats::Record*>(base + HeaderBytes() + SlotsBytes(slot_count));
  opened_base_ = reinterpret_cast<char*>(records_ + ring_capacity * slot_count);
  opened_stride_ = OpenedStride(jobs_capacity);
  jobs_capacity_ = jobs_capacity;
  for (std::uint32_t i = 0; i < opened_count; ++i) {
    OpenedArea* area = new (OpenedAt(i)) OpenedArea{};
    JobsQueue::Init(CellsOf(area), jobs_capacity);
  }
}

}  // namespace pylogen::shm
