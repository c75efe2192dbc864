// A worker's own throughput: operations/s over its last --summary interval,
// put in every record it reports (Pylogen's "local throughput"). The figure
// of an interval appears in the records of the next one.
#ifndef PYLOGEN_OPERATION_LOCAL_THROUGHPUT_H_
#define PYLOGEN_OPERATION_LOCAL_THROUGHPUT_H_

#include <cstdint>

namespace pylogen::operation {

class LocalThroughput {
 public:
  LocalThroughput(std::int64_t now_ns, double interval_s)
      : interval_ns_(static_cast<std::int64_t>(interval_s * 1e9)), start_(now_ns) {}

  // Counts one operation ended at `now_ns`; returns the current figure.
  float Count(std::int64_t now_ns) {
    ++ops_;
    if (now_ns - start_ >= interval_ns_) {
      value_ = static_cast<float>(static_cast<double>(ops_) * 1e9 /
                                  static_cast<double>(now_ns - start_));
      ops_ = 0;
      start_ = now_ns;
    }
    return value_;
  }

 private:
  std::int64_t interval_ns_;
  std::int64_t start_;
  std::uint64_t ops_ = 0;
  float value_ = 0;
};

}  // namespace pylogen::operation

#endif  // PYLOGEN_OPERATION_LOCAL_THROUGHPUT_H_
