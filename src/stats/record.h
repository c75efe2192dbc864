// The stat record: what a worker tells the reader about one event.
//
// Fixed size, trivially copyable, no pointers: records are written by worker
// processes into shared memory and read by the reader process. Texts are
// bounded and always NUL-terminated (truncated, never overflowed).
#ifndef PYLOGEN_STATS_RECORD_H_
#define PYLOGEN_STATS_RECORD_H_

#include <cstdint>
#include <type_traits>

#include "pylogen/requests.h"

namespace pylogen::stats {

enum class RecordKind : std::uint8_t {
  kRequest = 1,
  kTransaction = 2,
};

// Flags of Record::flags.
inline constexpr std::uint8_t kInTransaction = 1;  // a request of a transaction
inline constexpr std::uint8_t kOpenedModel = 2;    // an event of the opened model (has a wait)

struct Record {
  std::int64_t begin_ns;     // wall clock (epoch ns) at the start of the call
  std::int64_t intended_ns;  // wall clock the event was due (opened model), else begin_ns
  std::int64_t wait_ns;      // start of service - intended time (0 in the closed model)
  std::int64_t service_ns;   // the call itself; a transaction: sum of its requests
  std::uint64_t op_count;    // the runner's operation number (1-based)
  std::uint64_t bytes_in;
  std::uint64_t bytes_out;
  float local_throughput;    // the runner's operations/s over its last --summary interval
  std::int32_t rc;
  std::int32_t pid;
  std::uint16_t load;        // index of the load (command line) in the run plan
  std::uint16_t length_index;
  RecordKind kind;
  std::uint8_t flags;
  std::uint8_t reserved[2];
  char manager[kNameCapacity];
  char request[kNameCapacity];  // empty for a transaction record
  char error[kErrorCapacity];

  std::int64_t response_ns() const { return wait_ns + service_ns; }
  bool in_transaction() const { return (flags & kInTransaction) != 0; }
  bool opened_model() const { return (flags & kOpenedModel) != 0; }
};

static_assert(std::is_trivially_copyable_v<Record>);
static_assert(std::is_standard_layout_v<Record>);
static_assert(sizeof(Record) == 192, "records are three cache lines");

}  // namespace pylogen::stats

#endif  // PYLOGEN_STATS_RECORD_H_
