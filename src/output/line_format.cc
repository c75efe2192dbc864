#include "output/line_format.h"

#include <time.h>

#include <cmath>
#include <cstddef>
#include <cstring>

#include <fmt/compile.h>

namespace pylogen::output {
namespace {

using stats::Record;
using stats::RecordKind;

constexpr std::int64_t kNanosPerMilli = 1'000'000;
constexpr std::uint64_t kNanosPerMicro = 1'000;
constexpr std::uint64_t kMicrosPerSecond = 1'000'000;

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

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

std::uint64_t Magnitude(std::int64_t v) {
  return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  std::int64_t sum;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return a < 0 ? INT64_MIN : INT64_MAX;
}

// A record's bounded text: NUL-terminated, but never read past its capacity.
template <std::size_t N>
std::string_view Text(const char (&field)[N]) {
  return {field, strnlen(field, N)};
}

std::size_t LineBound(const LineContext& context) {
  return kFixedBound + kContextFactor * (context.load_id.size() + context.cut_name.size() +
                                         context.length.size());
}

// Length of the valid UTF-8 sequence at [i, end), 0 when it is not one
// (Unicode table 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t Utf8SequenceLength(const unsigned char* i, const unsigned char* end) {
  auto in = [](unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; };
  std::ptrdiff_t left = end - i;
  unsigned char c = i[0];
  if (in(c, 0xC2, 0xDF)) return left >= 2 && in(i[1], 0x80, 0xBF) ? 2 : 0;
  if (in(c, 0xE0, 0xEF)) {
    if (left < 3) return 0;
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return in(i[1], lo, hi) && in(i[2], 0x80, 0xBF) ? 3 : 0;
  }
  if (in(c, 0xF0, 0xF4)) {
    if (left < 4) return 0;
    unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return in(i[1], lo, hi) && in(i[2], 0x80, 0xBF) && in(i[3], 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Writes at a raw pointer into room the caller reserved beforehand: no
// capacity check per field, which is what makes a line cost ~100 ns.
class Sink {
 public:
  explicit Sink(char* p) : p_(p) {}
  char* end() const { return p_; }

  void Char(char c) { *p_++ = c; }
  template <std::size_t N>
  void Lit(const char (&text)[N]) {
    std::memcpy(p_, text, N - 1);
    p_ += N - 1;
  }
  void Str(std::string_view text) {
    if (text.empty()) return;  // data() may be null
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  void Uint(std::uint64_t v) { p_ = fmt::format_to(p_, FMT_COMPILE("{}"), v); }
  void Int(std::int64_t v) { p_ = fmt::format_to(p_, FMT_COMPILE("{}"), v); }

  // Exactly `width` digits of v, zero-padded.
  void Digits(std::uint32_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p_[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    p_ += width;
  }

  // Milliseconds as seconds with 3 decimals: -1500 -> "-1.500".
  void Millis3(std::int64_t ms) {
    if (ms < 0) Char('-');
    std::uint64_t m = Magnitude(ms);
    Uint(m / 1000);
    Char('.');
    Digits(static_cast<std::uint32_t>(m % 1000), 3);
  }

  // Nanoseconds as seconds with 6 decimals, rounded half away from zero; a
  // value that rounds to zero has no sign.
  void Seconds6(std::int64_t ns) {
    std::uint64_t us = (Magnitude(ns) + kNanosPerMicro / 2) / kNanosPerMicro;
    if (ns < 0 && us != 0) Char('-');
    Uint(us / kMicrosPerSecond);
    Char('.');
    Digits(static_cast<std::uint32_t>(us % kMicrosPerSecond), 6);
  }

  // A rate with 1 decimal. Non-finite values are `null` when json is set.
  void Tenths(double v, bool json = false) {
    if (!(std::fabs(v) < 1e15)) {  // also NaN: the slow path, never in practice
      if (json && !std::isfinite(v)) {
        Lit("null");
      } else {
        p_ = fmt::format_to(p_, "{:.1f}", v);
      }
      return;
    }
    auto tenths = static_cast<std::int64_t>(v * 10 + (v < 0 ? -0.5 : 0.5));
    if (tenths < 0) Char('-');
    std::uint64_t t = Magnitude(tenths);
    Uint(t / 10);
    Char('.');
    Char(static_cast<char>('0' + t % 10));
  }

  // A quoted text for the short and long formats: backslash escapes for the
  // quote, the backslash and control characters, so a line stays one line.
  void QuotedText(std::string_view text) {
    Char('"');
    for (char ch : text) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        Char('\\');
        Char(ch);
      } else if (c == '\n') {
        Lit("\\n");
      } else if (c == '\r') {
        Lit("\\r");
      } else if (c == '\t') {
        Lit("\\t");
      } else if (c < 0x20 || c == 0x7F) {
        Lit("\\x");
        Hex2(c);
      } else {
        Char(ch);
      }
    }
    Char('"');
  }

  // A CSV field always quoted, quotes doubled.
  void CsvQuoted(std::string_view text) {
    Char('"');
    for (char ch : text) {
      if (ch == '"') Char('"');
      Char(ch);
    }
    Char('"');
  }

  // Makes the field written since `start` a valid CSV field: quotes it, in
  // place, when it holds a comma, a quote or a line break (RFC 4180). The
  // caller's reservation leaves room for the growth.
  void CsvFixup(char* start) {
    std::size_t quotes = 0;
    bool special = false;
    for (const char* i = start; i < p_; ++i) {
      if (*i == '"') ++quotes;
      special |= *i == ',' || *i == '"' || *i == '\n' || *i == '\r';
    }
    if (!special) return;
    char* old_end = p_;
    p_ += 2 + quotes;
    char* dst = p_;
    *--dst = '"';
    for (const char* i = old_end; i > start;) {
      char c = *--i;
      *--dst = c;
      if (c == '"') *--dst = '"';
    }
    *--dst = '"';
  }

  // The inside of a JSON string: quote, backslash and control characters
  // escaped (\u00XX), invalid UTF-8 (a name truncated mid-character)
  // replaced by U+FFFD so that every line parses.
  void JsonEscaped(std::string_view text) {
    auto i = reinterpret_cast<const unsigned char*>(text.data());
    auto end = i + text.size();
    while (i < end) {
      unsigned char c = *i;
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        *p_++ = static_cast<char>(c);
        ++i;
      } else if (c == '"' || c == '\\') {
        Char('\\');
        Char(static_cast<char>(c));
        ++i;
      } else if (c < 0x20) {
        Lit("\\u00");
        Hex2(c);
        ++i;
      } else if (std::size_t n = Utf8SequenceLength(i, end); n != 0) {
        std::memcpy(p_, i, n);
        p_ += n;
        i += n;
      } else {
        Lit("\\ufffd");
        ++i;
      }
    }
  }
  void JsonString(std::string_view text) {
    Char('"');
    JsonEscaped(text);
    Char('"');
  }

 private:
  void Hex2(unsigned char c) {
    constexpr char kHex[] = "0123456789abcdef";
    Char(kHex[c >> 4]);
    Char(kHex[c & 0xF]);
  }

  char* p_;
};

// Raw texts for short, long, csv and jtl; escaped ones for json.
struct RawText {
  void operator()(Sink& s, std::string_view text) const { s.Str(text); }
};
struct JsonText {
  void operator()(Sink& s, std::string_view text) const { s.JsonEscaped(text); }
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
void WriteFullId(Sink& s, const Record& record, const LineContext& context, bool with_pid,
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
void WriteTransactionId(Sink& s, const Record& record, const LineContext& context, Put put) {
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

void WriteTime(Sink& s, const Fields& f) {
  s.Str({f.clock, 8});
  s.Char('.');
  s.Digits(f.milli, 3);
}

void WriteTransactionOrNone(Sink& s, const Record& record, const LineContext& context) {
  if (HasTransaction(record)) {
    WriteTransactionId(s, record, context, RawText{});
  } else {
    s.Lit("None");
  }
}

void WriteShort(Sink& s, const Record& r, const LineContext& c, const Fields& f) {
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

void WriteCsv(Sink& s, const Record& r, const LineContext& c, const Fields& f) {
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

void WriteLong(Sink& s, const Record& r, const LineContext& c, const Fields& f) {
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

void WriteJson(Sink& s, const Record& r, const LineContext& c, const Fields& f) {
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

void WriteJtl(Sink& s, const Record& r, const LineContext& c, const Fields& f) {
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
  Sink s(clock);
  s.Digits(static_cast<std::uint32_t>(local.tm_hour), 2);
  s.Char(':');
  s.Digits(static_cast<std::uint32_t>(local.tm_min), 2);
  s.Char(':');
  s.Digits(static_cast<std::uint32_t>(local.tm_sec), 2);
}

// Runs `write` on a Sink over room reserved at the end of `out`.
template <typename Write>
void AppendBounded(fmt::memory_buffer& out, std::size_t bound, Write write) {
  std::size_t start = out.size();
  out.reserve(start + bound);
  Sink s(out.data() + start);
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

  AppendBounded(out, LineBound(context), [&](Sink& s) {
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
                [&](Sink& s) { WriteFullId(s, record, context, true, RawText{}); });
}

void AppendTransactionId(const stats::Record& record, const LineContext& context,
                         fmt::memory_buffer& out) {
  AppendBounded(out, LineBound(context),
                [&](Sink& s) { WriteTransactionOrNone(s, record, context); });
}

}  // namespace pylogen::output
