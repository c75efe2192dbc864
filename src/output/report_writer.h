// Writing the JSON report without holding it twice: the parts of the report
// too large to hold as a JSON tree are left out of the tree that
// SummaryJson builds, as placeholder strings, and written when the report
// is: the time series' spooled intervals (output/interval_spool.h) and the
// names' histograms (each one's JSON made alone, as it is written). The
// tree is dumped in chunks (output/json_stream.h), never as one string.
//
// 1,000 names in the opened model after 60 s at 10,000 events/s hold about
// 1.4 M histogram buckets: as a JSON tree about 100 bytes each, the end of
// the run would take more than the whole run did.
//
// A placeholder is "@@pylogen-NONCE-TOKEN@@", with a NONCE drawn for each
// report, so that no text a CUT made (a name, an error message) can be
// taken for one. The histograms deferred must outlive the write.
//
// Reader process, at the end of the run; `pylogen report` writes its
// reports without deferred parts.
#ifndef PYLOGEN_OUTPUT_REPORT_WRITER_H_
#define PYLOGEN_OUTPUT_REPORT_WRITER_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "output/interval_spool.h"
#include "stats/histogram.h"

namespace pylogen::output {

class DeferredParts {
 public:
  DeferredParts();  // draws the nonce

  // The placeholder of `h`'s JSON (stats::Histogram::ToJson).
  std::string Histogram(const stats::Histogram& h);
  // The placeholder of the spooled intervals' list ([] without a spool).
  std::string Intervals(IntervalSpool* spool);

  // Writes `report` to fd, dumped with indent 2 and invalid UTF-8 replaced,
  // each placeholder replaced by its part. 0 or the errno of the failure.
  int Write(int fd, const nlohmann::json& report) const;
  // The same for a report already dumped (tests).
  int WriteText(int fd, std::string_view text) const;

  const std::string& nonce() const { return nonce_; }

 private:
  class Splicer;
  std::string Placeholder(std::string_view token) const;

  std::string nonce_;
  std::vector<const stats::Histogram*> histograms_;
  IntervalSpool* spool_ = nullptr;
};

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_REPORT_WRITER_H_
