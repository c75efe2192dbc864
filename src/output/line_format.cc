#include "output/line_format.h"

#include <time.h>

#include <cmath>
#include <cstddef>
#include <cstring>

#include <fmt/compile.h>

#include "output/field_writer.h"

namespace pylogen::output {
namespace {

using stats::Record;
using stats::RecordKind;

using detail::FieldWriter;
using detail::kMicrosPerSecond;
using detail::kNanosPerMicro;
using detail::kNanosPerMilli;
using detail::Text;
using detail::FloorDiv;
using detail::Magnitude;
using detail::SaturatingAdd;

// Room reserved before writing a line: everything but the context's texts
// fits in kFixedBound bytes (json escapes of the record's names and error,
// twenty-digit numbers, an absurd double written by fmt). The context's texts
// appear at most twice per line, escaped to at most 6 bytes per input byte.
constexpr std::size_t kFixedBound = 4096;
constexpr std::size_t kContextFactor = 12;

constexpr std::string_view kCsvHeader =
    "time,epoch,type,count,throughput,started,ended,active,id,nature,transaction,op,"
    "local_throughput,rc,length,seconds,wait,bytes_in,bytes_out,error\n";
constexpr std::string_view kJtlHeader =
    "timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,"
    "failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n";

std::size_t LineBound(const LineContext& context) {
  return kFixedBound + kContextFactor * (context.load_id.size() + context.cut_name.size() +
                                         context.length.size());
}


// Raw texts for short, long, csv and jtl; escaped ones for json.
struct RawText {
  void operator()(FieldWriter& s, std::string_view text) const { s.Str(text); }
};
struct JsonText {
  void operator()(FieldWriter& s, std::string_view text) const { s.JsonEscaped(text); }
};

bool HasRequestPart(const Record& record) {
  return record.kind != RecordKind::kTransaction && record.request[0] != '\0';
}

bool HasTransaction(const Record& record) {
  return record.kind == RecordKind::kTransaction || record.in_transaction();
}

// ID.PID.CUTNAME.LENGTHINDEX.MANAGER[.REQUEST]; without the PID part for
// jtl labels, so that JMeter aggregates across processes.
template <typename Put>
void WriteFullId(FieldWriter& s, const Record& record, const LineContext& context, bool with_pid,
                 Put put) {
  put(s, context.load_id);
  s.Char('.');
  if (with_pid) {
    s.Int(record.pid);
    s.Char('.');
  }
  put(s, context.cut_name);
  s.Char('.');
  s.Uint(record.length_index);
  s.Char('.');
  put(s, Text(record.manager));
  if (HasRequestPart(record)) {
    s.Char('.');
    put(s, Text(record.request));
  }
}

// ID.PID.OPCOUNT; the caller writes None (or null) for a lone request.
template <typename Put>
void WriteTransactionId(FieldWriter& s, const Record& record, const LineContext& context, Put put) {
  put(s, context.load_id);
  s.Char('.');
  s.Int(record.pid);
  s.Char('.');
  s.Uint(record.op_count);
}

// What every format derives from the record the same way.
struct Fields {
  std::int64_t epoch_ms;
  std::uint32_t milli;  // 0..999, the millisecond within the second
  const char* clock;    // "HH:MM:SS", 8 bytes, not NUL-terminated
  std::string_view nature;
  std::string_view error;  // empty unless rc != 0 and the record has a text
  std::int64_t wait_ns;    // 0 in the closed model
  std::int64_t response_ns;
};

void WriteTime(FieldWriter& s, const Fields& f) {
  s.Str({f.clock, 8});
  s.Char('.');
  s.Digits(f.milli, 3);
}

void WriteTransactionOrNone(FieldWriter& s, const Record& record, const LineContext& context) {
  if (HasTransaction(record)) {
    WriteTransactionId(s, record, context, RawText{});
  } else {
    s.Lit("None");
  }
}

void WriteShort(FieldWriter& s, const Record& r, const LineContext& c, const Fields& f) {
  WriteTime(s, f);
  s.Char(' ');
  s.Millis3(f.epoch_ms);
  s.Lit(" stat ");
  s.Uint(c.global_count);
  s.Char(' ');
  s.Tenths(c.global_throughput);
  s.Char(' ');
  s.Uint(c.started);
  s.Char(' ');
  s.Uint(c.ended);
  s.Char(' ');
  s.Uint(c.active);
  s.Char(' ');
  WriteFullId(s, r, c, true, RawText{});
  s.Char(' ');
  s.Str(f.nature);
  s.Char(' ');
  WriteTransactionOrNone(s, r, c);
  s.Char(' ');
  s.Uint(r.op_count);
  s.Char(' ');
  s.Tenths(r.local_throughput);
  s.Lit(" RC ");
  s.Int(r.rc);
  s.Lit(" step ");
  s.Str(c.length);
  s.Lit(" t ");
  s.Seconds6(r.service_ns);
  if (r.opened_model()) {
    s.Lit(" w ");
    s.Seconds6(f.wait_ns);
  }
  if (!f.error.empty()) {
    s.Lit(" err ");
    s.QuotedText(f.error);
  }
  s.Char('\n');
}

void WriteCsv(FieldWriter& s, const Record& r, const LineContext& c, const Fields& f) {
  WriteTime(s, f);
  s.Char(',');
  s.Millis3(f.epoch_ms);
  s.Lit(",stat,");
  s.Uint(c.global_count);
  s.Char(',');
  s.Tenths(c.global_throughput);
  s.Char(',');
  s.Uint(c.started);
  s.Char(',');
  s.Uint(c.ended);
  s.Char(',');
  s.Uint(c.active);
  s.Char(',');
  char* field = s.end();
  WriteFullId(s, r, c, true, RawText{});
  s.CsvFixup(field);
  s.Char(',');
  s.Str(f.nature);
  s.Char(',');
  field = s.end();
  WriteTransactionOrNone(s, r, c);
  s.CsvFixup(field);
  s.Char(',');
  s.Uint(r.op_count);
  s.Char(',');
  s.Tenths(r.local_throughput);
  s.Char(',');
  s.Int(r.rc);
  s.Char(',');
  field = s.end();
  s.Str(c.length);
  s.CsvFixup(field);
  s.Char(',');
  s.Seconds6(r.service_ns);
  s.Char(',');
  s.Seconds6(f.wait_ns);
  s.Char(',');
  s.Uint(r.bytes_in);
  s.Char(',');
  s.Uint(r.bytes_out);
  s.Char(',');
  if (!f.error.empty()) s.CsvQuoted(f.error);
  s.Char('\n');
}

void WriteLong(FieldWriter& s, const Record& r, const LineContext& c, const Fields& f) {
  s.Lit("time=");
  WriteTime(s, f);
  s.Lit(" epoch=");
  s.Millis3(f.epoch_ms);
  s.Lit(" type=stat count=");
  s.Uint(c.global_count);
  s.Lit(" throughput=");
  s.Tenths(c.global_throughput);
  s.Lit(" started=");
  s.Uint(c.started);
  s.Lit(" ended=");
  s.Uint(c.ended);
  s.Lit(" active=");
  s.Uint(c.active);
  s.Lit(" id=");
  WriteFullId(s, r, c, true, RawText{});
  s.Lit(" nature=");
  s.Str(f.nature);
  s.Lit(" transaction=");
  WriteTransactionOrNone(s, r, c);
  s.Lit(" op=");
  s.Uint(r.op_count);
  s.Lit(" local_throughput=");
  s.Tenths(r.local_throughput);
  s.Lit(" rc=");
  s.Int(r.rc);
  s.Lit(" length=");
  s.Str(c.length);
  s.Lit(" seconds=");
  s.Seconds6(r.service_ns);
  s.Lit(" wait=");
  s.Seconds6(f.wait_ns);
  s.Lit(" bytes_in=");
  s.Uint(r.bytes_in);
  s.Lit(" bytes_out=");
  s.Uint(r.bytes_out);
  if (!f.error.empty()) {
    s.Lit(" error=");
    s.QuotedText(f.error);
  }
  s.Char('\n');
}

void WriteJson(FieldWriter& s, const Record& r, const LineContext& c, const Fields& f) {
  s.Lit("{\"time\":\"");
  WriteTime(s, f);
  s.Lit("\",\"epoch\":");
  s.Millis3(f.epoch_ms);
  s.Lit(",\"type\":\"stat\",\"count\":");
  s.Uint(c.global_count);
  s.Lit(",\"throughput\":");
  s.Tenths(c.global_throughput, true);
  s.Lit(",\"started\":");
  s.Uint(c.started);
  s.Lit(",\"ended\":");
  s.Uint(c.ended);
  s.Lit(",\"active\":");
  s.Uint(c.active);
  s.Lit(",\"id\":\"");
  WriteFullId(s, r, c, true, JsonText{});
  s.Lit("\",\"nature\":\"");
  s.Str(f.nature);
  s.Lit("\",\"transaction\":");
  if (HasTransaction(r)) {
    s.Char('"');
    WriteTransactionId(s, r, c, JsonText{});
    s.Char('"');
  } else {
    s.Lit("null");
  }
  s.Lit(",\"op\":");
  s.Uint(r.op_count);
  s.Lit(",\"local_throughput\":");
  s.Tenths(r.local_throughput, true);
  s.Lit(",\"rc\":");
  s.Int(r.rc);
  s.Lit(",\"length\":");
  s.JsonString(c.length);
  s.Lit(",\"seconds\":");
  s.Seconds6(r.service_ns);
  s.Lit(",\"wait\":");
  s.Seconds6(f.wait_ns);
  s.Lit(",\"response\":");
  s.Seconds6(f.response_ns);
  s.Lit(",\"bytes_in\":");
  s.Uint(r.bytes_in);
  s.Lit(",\"bytes_out\":");
  s.Uint(r.bytes_out);
  if (!f.error.empty()) {
    s.Lit(",\"error\":");
    s.JsonString(f.error);
  }
  s.Lit("}\n");
}

// Milliseconds rounded half away from zero.
std::int64_t RoundToMillis(std::int64_t ns) {
  auto ms = static_cast<std::int64_t>((Magnitude(ns) + kNanosPerMilli / 2) / kNanosPerMilli);
  return ns < 0 ? -ms : ms;
}

void WriteJtl(FieldWriter& s, const Record& r, const LineContext& c, const Fields& f) {
  std::int64_t elapsed = RoundToMillis(f.response_ns);
  bool success = r.rc == 0;
  s.Int(f.epoch_ms);
  s.Char(',');
  s.Int(elapsed);
  s.Char(',');
  char* field = s.end();
  WriteFullId(s, r, c, false, RawText{});
  s.CsvFixup(field);
  s.Char(',');
  s.Int(r.rc);
  s.Char(',');
  field = s.end();
  if (success) {
    s.Lit("OK");
  } else {
    s.Str(f.error);
  }
  s.CsvFixup(field);
  s.Char(',');
  field = s.end();
  s.Str(c.load_id);
  s.Char(' ');
  s.Int(r.pid);
  s.CsvFixup(field);
  s.Lit(",text,");
  if (success) {
    s.Lit("true,");
  } else {
    s.Lit("false,");
  }
  field = s.end();
  s.Str(f.error);
  s.CsvFixup(field);
  s.Char(',');
  s.Uint(r.bytes_in);
  s.Char(',');
  s.Uint(r.bytes_out);
  s.Char(',');
  s.Uint(c.active);
  s.Char(',');
  s.Uint(c.active);
  s.Lit(",,");  // URL
  s.Int(elapsed);
  s.Lit(",0,0\n");
}

// Refreshes the cached local "HH:MM:SS" when the second changes: one
// localtime_r per second of records, not one per line.
void RefreshClock(std::int64_t second, std::int64_t& cached_second, char (&clock)[8]) {
  if (second == cached_second && clock[0] != '\0') return;  // -1 is a real second too
  cached_second = second;
  auto t = static_cast<time_t>(second);
  tm local;
  if (localtime_r(&t, &local) == nullptr) {
    std::memcpy(clock, "--:--:--", 8);
    return;
  }
  FieldWriter s(clock);
  s.Digits(static_cast<std::uint32_t>(local.tm_hour), 2);
  s.Char(':');
  s.Digits(static_cast<std::uint32_t>(local.tm_min), 2);
  s.Char(':');
  s.Digits(static_cast<std::uint32_t>(local.tm_sec), 2);
}

// Runs `write` on a FieldWriter over room reserved at the end of `out`.
template <typename Write>
void AppendBounded(fmt::memory_buffer& out, std::size_t bound, Write write) {
  std::size_t start = out.size();
  out.reserve(start + bound);
  FieldWriter s(out.data() + start);
  write(s);
  out.resize(static_cast<std::size_t>(s.end() - out.data()));
}

}  // namespace

LineFormat ParseLineFormat(std::string_view name, bool* fell_back) {
  static constexpr LineFormat kAll[] = {LineFormat::kShort, LineFormat::kCsv, LineFormat::kLong,
                                        LineFormat::kJson,  LineFormat::kJtl, LineFormat::kNone};
  if (fell_back != nullptr) *fell_back = false;
  for (LineFormat format : kAll) {
    if (name == LineFormatName(format)) return format;
  }
  if (fell_back != nullptr) *fell_back = true;
  return LineFormat::kLong;
}

std::string_view LineFormatName(LineFormat format) {
  switch (format) {
    case LineFormat::kShort:
      return "short";
    case LineFormat::kCsv:
      return "csv";
    case LineFormat::kLong:
      return "long";
    case LineFormat::kJson:
      return "json";
    case LineFormat::kJtl:
      return "jtl";
    case LineFormat::kNone:
      return "none";
  }
  return "long";
}

LineWriter::LineWriter(LineFormat format) : format_(format) {
  tzset();  // localtime_r is not required to read TZ; honour it as of now
}

void LineWriter::Header(fmt::memory_buffer& out) const {
  if (format_ == LineFormat::kCsv) out.append(kCsvHeader);
  if (format_ == LineFormat::kJtl) out.append(kJtlHeader);
}

void LineWriter::Line(const stats::Record& record, const LineContext& context,
                      fmt::memory_buffer& out) {
  if (format_ == LineFormat::kNone) return;
  Fields f;
  f.epoch_ms = FloorDiv(record.begin_ns, kNanosPerMilli);
  std::int64_t second = FloorDiv(f.epoch_ms, 1000);
  f.milli = static_cast<std::uint32_t>(f.epoch_ms - second * 1000);
  RefreshClock(second, cached_second_, cached_clock_);
  f.clock = cached_clock_;
  f.nature = record.kind == RecordKind::kTransaction ? "tra" : "req";
  f.error = record.rc != 0 ? Text(record.error) : std::string_view();
  f.wait_ns = record.opened_model() ? record.wait_ns : 0;
  f.response_ns = SaturatingAdd(f.wait_ns, record.service_ns);

  AppendBounded(out, LineBound(context), [&](FieldWriter& s) {
    switch (format_) {
      case LineFormat::kShort:
        return WriteShort(s, record, context, f);
      case LineFormat::kCsv:
        return WriteCsv(s, record, context, f);
      case LineFormat::kLong:
        return WriteLong(s, record, context, f);
      case LineFormat::kJson:
        return WriteJson(s, record, context, f);
      case LineFormat::kJtl:
        return WriteJtl(s, record, context, f);
      case LineFormat::kNone:
        return;
    }
  });
}

void AppendFullId(const stats::Record& record, const LineContext& context,
                  fmt::memory_buffer& out) {
  AppendBounded(out, LineBound(context),
                [&](FieldWriter& s) { WriteFullId(s, record, context, true, RawText{}); });
}

void AppendTransactionId(const stats::Record& record, const LineContext& context,
                         fmt::memory_buffer& out) {
  AppendBounded(out, LineBound(context),
                [&](FieldWriter& s) { WriteTransactionOrNone(s, record, context); });
}

}  // namespace pylogen::output
