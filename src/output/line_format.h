// Per-event line formats: how the reader writes one stat record as a line.
//
// Runs in the reader process only, on its hot path (up to millions of lines
// per second): a LineWriter appends to a caller-owned fmt::memory_buffer and
// allocates nothing per line once the buffer has grown. Not thread-safe.
//
// Formats (DESIGN §6): short (default, Pylogen's columns, space-separated),
// csv (the same fields with a header), long (labelled fields; the fallback
// for an unknown name), json (one object per line), jtl (JMeter's CSV result
// format with its standard header), none (no lines).
#ifndef PYLOGEN_OUTPUT_LINE_FORMAT_H_
#define PYLOGEN_OUTPUT_LINE_FORMAT_H_

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "plan/line_format.h"
#include "stats/record.h"

namespace pylogen::output {

using plan::LineFormat;

// Parses an --outformat name. An unknown name gives kLong and sets
// *fell_back (Pylogen's behaviour; the caller warns).
LineFormat ParseLineFormat(std::string_view name, bool* fell_back);
std::string_view LineFormatName(LineFormat format);

// What a line shows beyond its record: the reader's global state when it read
// the record, and the names the record's indexes resolve to in the run plan.
struct LineContext {
  std::uint64_t global_count = 0;   // requests read so far, this one included
  double global_throughput = 0;     // requests/s over the last --summary interval
  std::uint32_t started = 0;        // workers started so far
  std::uint32_t ended = 0;          // workers ended so far
  std::uint32_t active = 0;         // started - ended
  std::string_view load_id;         // the record's load --id
  std::string_view cut_name;        // e.g. "Dummy"
  std::string_view length;          // the length token at record.length_index
};

class LineWriter {
 public:
  explicit LineWriter(LineFormat format);

  LineFormat format() const { return format_; }
  // Appends the header line (csv, jtl); nothing for the other formats.
  void Header(fmt::memory_buffer& out) const;
  // Appends one line, '\n' included; nothing for kNone.
  void Line(const stats::Record& record, const LineContext& context, fmt::memory_buffer& out);

 private:
  LineFormat format_;
  // Cache of the local "HH:MM:SS" text of the last epoch second formatted.
  std::int64_t cached_second_ = -1;
  char cached_clock_[8] = {};
};

// The full id DESIGN §3 defines: ID.PID.CUTNAME.LENGTHINDEX.MANAGER[.REQUEST]
// (no REQUEST part for a transaction record).
void AppendFullId(const stats::Record& record, const LineContext& context, fmt::memory_buffer& out);
// The transaction id ID.PID.OPCOUNT, or "None" for a lone request.
void AppendTransactionId(const stats::Record& record, const LineContext& context,
                         fmt::memory_buffer& out);

}  // namespace pylogen::output

#endif  // PYLOGEN_OUTPUT_LINE_FORMAT_H_
