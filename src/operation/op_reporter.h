// Turns the requests of one operation into stat records and pushes them into
// the worker's ring: the instrumentation on every worker's hot path.
//
// Runs in a worker process, after func() returns. Allocates nothing; a
// record is filled in place in shared memory, then published. When the ring
// is full the worker waits (spin, then yield, then short sleeps) rather than
// drop anything, and the time waited is added to its slot's counters.
#ifndef PYLOGEN_OPERATION_OP_REPORTER_H_
#define PYLOGEN_OPERATION_OP_REPORTER_H_

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "pylogen/requests.h"
#include "shm/segment.h"
#include "stats/record.h"

namespace pylogen::operation {

// What every record of one operation shares.
struct OpInfo {
  std::uint64_t op_count;
  std::uint16_t length_index;
  float local_throughput;
  std::int64_t intended_ns = 0;  // opened model: wall clock the event was due; 0: closed
};

class OpReporter {
 public:
  // `wall_offset_ns` converts the monotonic clock to the wall clock.
  OpReporter(shm::RingProducer producer, shm::Slot* slot, std::uint16_t load, std::int32_t pid,
             std::int64_t wall_offset_ns)
      : producer_(producer), slot_(slot), load_(load), pid_(pid), wall_offset_ns_(wall_offset_ns) {}

  // Pushes the records of one operation; returns how many. A lone request
  // gives one record; several give a transaction record, then one per request.
  std::uint32_t Report(const RequestsManager& requests, const OpInfo& op) {
    std::size_t n = requests.size();
    std::int64_t service = 0;
    if (n == 0) {
      slot_->empty_ops.fetch_add(1, std::memory_order_relaxed);
    } else if (n == 1) {
      service = requests.begin()->end_ns - requests.begin()->begin_ns;
      PushRequest(*requests.begin(), requests.name(), op, 0);
    } else {
      service = PushTransaction(requests, op);
      for (const Request& request : requests) {
        PushRequest(request, requests.name(), op, stats::kInTransaction);
      }
    }
    if (service > 0) {
      slot_->service_ns.store(slot_->service_ns.load(std::memory_order_relaxed) +
                                  static_cast<std::uint64_t>(service),
                              std::memory_order_relaxed);
    }
    slot_->ops.store(slot_->ops.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    return n > 1 ? static_cast<std::uint32_t>(n + 1) : static_cast<std::uint32_t>(n);
  }

 private:
  stats::Record* Claim() {
    stats::Record* record = producer_.TryClaim();
    return record != nullptr ? record : WaitForRoom();
  }
  stats::Record* WaitForRoom();  // out of line: the rare, slow path

  void Fill(stats::Record& r, const OpInfo& op, std::int64_t begin_mono, std::int64_t service,
            int rc) const {
    r.begin_ns = begin_mono + wall_offset_ns_;
    r.intended_ns = op.intended_ns != 0 ? op.intended_ns : r.begin_ns;
    r.wait_ns = op.intended_ns != 0 ? r.begin_ns - op.intended_ns : 0;
    r.service_ns = service;
    r.op_count = op.op_count;
    r.local_throughput = op.local_throughput;
    r.rc = rc;
    r.pid = pid_;
    r.load = load_;
    r.length_index = op.length_index;
  }

  void PushRequest(const Request& request, const char* manager, const OpInfo& op,
                   std::uint8_t flags) {
    stats::Record& r = *Claim();
    Fill(r, op, request.begin_ns, request.end_ns - request.begin_ns, request.rc);
    r.kind = stats::RecordKind::kRequest;
    r.flags = flags | (op.intended_ns != 0 ? stats::kOpenedModel : 0);
    r.bytes_in = request.bytes_in;
    r.bytes_out = request.bytes_out;
    std::memcpy(r.manager, manager, kNameCapacity);
    std::memcpy(r.request, request.name, kNameCapacity);
    std::memcpy(r.error, request.error, kErrorCapacity);
    producer_.Publish();
  }

  // Returns the transaction's service: the sum of its requests' when they
  // ran one after the other; from the first begin to the last end when some
  // overlapped (event-driven CUTs).
  std::int64_t PushTransaction(const RequestsManager& requests, const OpInfo& op) {
    std::int64_t service = 0;
    std::int64_t last_end = requests.begin()->begin_ns;
    bool overlap = false;
    std::uint64_t in = 0, out = 0;
    const Request* worst = requests.begin();
    for (const Request& request : requests) {
      service += request.end_ns - request.begin_ns;
      overlap = overlap || request.begin_ns < last_end;
      last_end = std::max(last_end, request.end_ns);
      in += request.bytes_in;
      out += request.bytes_out;
      // Magnitudes in 64 bits: |INT32_MIN| does not fit an int.
      if (std::abs(std::int64_t{request.rc}) > std::abs(std::int64_t{worst->rc})) worst = &request;
    }
    if (overlap) service = last_end - requests.begin()->begin_ns;
    stats::Record& r = *Claim();
    Fill(r, op, requests.begin()->begin_ns, service, worst->rc);
    r.kind = stats::RecordKind::kTransaction;
    r.flags = op.intended_ns != 0 ? stats::kOpenedModel : 0;
    r.bytes_in = in;
    r.bytes_out = out;
    std::memcpy(r.manager, requests.name(), kNameCapacity);
    r.request[0] = '\0';
    std::memcpy(r.error, worst->error, kErrorCapacity);
    producer_.Publish();
    return service;
  }

  shm::RingProducer producer_;
  shm::Slot* slot_;
  std::uint16_t load_;
  std::int32_t pid_;
  std::int64_t wall_offset_ns_;
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_OP_REPORTER_H_
