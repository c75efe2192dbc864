#include "report/report.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "thresholds/threshold.h"
#include "util/excerpt.h"
#include "util/input_file.h"
#include "util/iso_time.h"

namespace pylogen::report {
namespace {

using nlohmann::json;

// A field that is missing or of the wrong kind: thrown inside this file
// only, turned into the error value by ParseReport.
struct Bad {
  std::string text;
};

// One object of the report and where it is ("names[2].service").
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) throw Bad{fmt::format("{}: expected an object", where_)};
  }

  const json& At(const char* key) const {
    auto it = j_.find(key);
    if (it == j_.end()) throw Bad{fmt::format("{}: missing", Path(key))};
    return *it;
  }
  const json& raw() const { return j_; }
  bool Has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  std::string Path(const char* key) const { return where_.empty() ? key : where_ + "." + key; }

  Fields Object(const char* key) const { return Fields(At(key), Path(key)); }
  const json& Array(const char* key) const {
    const json& v = At(key);
    if (!v.is_array()) throw Bad{fmt::format("{}: expected an array", Path(key))};
    return v;
  }
  std::string String(const char* key) const {
    const json& v = At(key);
    if (!v.is_string()) throw Bad{fmt::format("{}: expected a string", Path(key))};
    return v.get<std::string>();
  }
  bool Bool(const char* key) const {
    const json& v = At(key);
    if (!v.is_boolean()) throw Bad{fmt::format("{}: expected true or false", Path(key))};
    return v.get<bool>();
  }
  double Double(const char* key) const {
    const json& v = At(key);
    if (!v.is_number()) throw Bad{fmt::format("{}: expected a number", Path(key))};
    return v.get<double>();
  }
  std::uint64_t U64(const char* key) const {
    const json& v = At(key);
    if (!v.is_number_unsigned()) throw Bad{fmt::format("{}: expected a non-negative integer", Path(key))};
    return v.get<std::uint64_t>();
  }
  std::int64_t I64(const char* key) const {
    const json& v = At(key);
    if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX)) {
      throw Bad{fmt::format("{}: expected an integer", Path(key))};
    }
    return v.get<std::int64_t>();
  }
  template <class T>
  T Unsigned(const char* key) const {
    std::uint64_t v = U64(key);
    if (v > std::numeric_limits<T>::max()) {
      throw Bad{fmt::format("{}: {} is above {}", Path(key), v, std::numeric_limits<T>::max())};
    }
    return static_cast<T>(v);
  }
  int Int(const char* key) const {
    std::int64_t v = I64(key);
    if (v < INT32_MIN || v > INT32_MAX) throw Bad{fmt::format("{}: {} is out of range", Path(key), v)};
    return static_cast<int>(v);
  }
  std::int64_t Time(const char* key) const {
    auto ns = util::ParseIsoTime(String(key));
    if (!ns) throw Bad{fmt::format("{}: {}", Path(key), ns.error())};
    return *ns;
  }
  stats::Histogram Histogram(const char* key) const {
    Fields latency = Object(key);
    auto h = stats::Histogram::FromJson(latency.At("histogram"));
    if (!h) throw Bad{fmt::format("{}: {}", latency.Path("histogram"), h.error())};
    return std::move(*h);
  }

 private:
  const json& j_;
  std::string where_;
};

std::string Indexed(const char* list, std::size_t i) { return fmt::format("{}[{}]", list, i); }

stats::HighWater HighWaterOf(const Fields& marks, const char* key) {
  Fields f = marks.Object(key);
  return {f.Double("value"), f.Time("at")};
}

output::LoopSummary LoopOf(const Fields& f) {
  output::LoopSummary l;
  l.cpu_ns = std::llround(f.Double("cpu_s") * 1e9);
  l.run_ns = std::llround(f.Double("run_s") * 1e9);
  l.lag_p99_ns = f.I64("lag_p99_ns");
  l.lag_max_ns = f.I64("lag_max_ns");
  l.timers = f.U64("timers");
  l.callback_errors = f.U64("callback_errors");
  l.callback_error = f.String("callback_error");
  l.stray_completions = f.U64("stray_completions");
  l.cancel_errors = f.U64("cancel_errors");
  l.cancel_error = f.String("cancel_error");
  return l;
}

output::WorkerSummary WorkerOf(const Fields& f) {
  output::WorkerSummary w;
  w.name = f.String("name");
  w.load_id = f.String("id");
  w.pid = f.Int("pid");
  w.state = f.String("state");
  w.signal = f.Int("signal");
  w.exit_code = f.Int("exit_code");
  w.error = f.String("error");
  w.operations = f.U64("operations");
  w.empty_operations = f.U64("empty_operations");
  w.wait_ns = f.U64("wait_ns");
  w.waits = f.U64("waits");
  w.ring_capacity = f.U64("ring_capacity");
  if (f.Has("loop")) {
    w.event_driven = true;
    w.loop = LoopOf(f.Object("loop"));
  }
  if (f.Has("origin")) w.origin = f.String("origin");
  if (f.Has("host")) w.host = f.String("host");
  return w;
}

output::OpenedSummary OpenedOf(const Fields& f) {
  output::OpenedSummary o;
  o.load_id = f.String("id");
  o.schedule = f.String("schedule");
  o.arrivals = f.String("arrivals");
  o.burst = f.String("burst");
  o.seed = f.U64("seed");
  Fields events = f.Object("events");
  o.scheduled = events.U64("scheduled");
  if (events.Has("due")) o.due = events.U64("due");
  o.emitted = events.U64("emitted");
  o.dropped = events.U64("dropped");
  o.served = events.U64("served");
  const json& per_second = f.Array("emitted_per_second");
  for (std::size_t i = 0; i < per_second.size(); ++i) {
    const json& v = per_second[i];
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > UINT32_MAX) {
      throw Bad{fmt::format("{}: expected a count", f.Path(Indexed("emitted_per_second", i).c_str()))};
    }
    o.emitted_per_second.push_back(v.get<std::uint32_t>());
  }
  Fields generator = f.Object("generator");
  o.generator_state = generator.String("state");
  o.generator_signal = generator.Int("signal");
  o.generator_cpu_s = generator.Double("cpu_s");
  o.generator_run_s = generator.Double("run_s");
  Fields controller = f.Object("controller");
  o.controller_target = controller.Unsigned<std::uint32_t>("target");
  o.controller_target_max = controller.Unsigned<std::uint32_t>("target_max");
  Fields limit = f.Object("limit");
  o.limit_checks = limit.U64("capped_checks");
  if (limit.Has("since")) o.limit_since_wall_ns = limit.Time("since");
  o.limit_wanted = limit.Unsigned<std::uint32_t>("wanted_workers");
  o.max_workers = limit.Unsigned<std::uint32_t>("max_workers");
  o.concurrency = limit.Unsigned<std::uint32_t>("concurrency");
  o.waited_longer_than_service = limit.U64("events_waited_longer_than_service");
  // Event-driven loads name --concurrency in their limit warning; the
  // report does not say which kind it was, a concurrency above 1 does.
  o.event_driven = o.concurrency > 1;
  if (f.Has("lateness")) {
    o.lateness = f.Histogram("lateness");
    o.lateness_known = true;
  }
  return o;
}

thresholds::Observed ThresholdOf(const Fields& f) {
  thresholds::Observed o;
  std::string expression = f.String("expression");
  auto parsed = thresholds::ParseThreshold(expression);
  if (!parsed) throw Bad{fmt::format("{}: {}", f.Path("expression"), parsed.error())};
  o.threshold = std::move(*parsed);
  o.has_data = f.Has("observed");
  if (o.has_data) o.value = f.Double("observed");
  o.ok = f.Bool("ok");
  return o;
}

// The spans of each id in the `ids` list: the fallback of a name without
// its own first_begin_ns / last_end_ns.
using IdSpans = std::map<std::string, std::pair<std::int64_t, std::int64_t>>;

stats::NameStats NameOf(const Fields& f, stats::Aggregator& agg, const IdSpans& spans) {
  stats::NameStats n;
  n.name = f.String("name");
  n.load = agg.RestoreLoad(f.String("id"));
  std::string nature = f.String("nature");
  if (nature == "req") {
    n.kind = stats::RecordKind::kRequest;
  } else if (nature == "tra") {
    n.kind = stats::RecordKind::kTransaction;
  } else {
    throw Bad{fmt::format("{}: '{}', expected req or tra", f.Path("nature"), util::Excerpt(nature))};
  }
  n.count = f.U64("count");
  n.errors = f.U64("errors");
  n.bytes_in = f.U64("bytes_in");
  n.bytes_out = f.U64("bytes_out");
  if (f.Has("first_begin_ns") || f.Has("last_end_ns")) {
    n.first_begin_ns = f.I64("first_begin_ns");
    n.last_end_ns = f.I64("last_end_ns");
  } else if (auto it = spans.find(agg.load_id(n.load)); it != spans.end()) {
    std::tie(n.first_begin_ns, n.last_end_ns) = it->second;
  }
  n.service = f.Histogram("service");
  if (f.Has("wait") || f.Has("response")) {
    n.wait = std::make_unique<stats::Histogram>(f.Histogram("wait"));
    n.response = std::make_unique<stats::Histogram>(f.Histogram("response"));
  }
  // Reports of before the error breakdown have neither: all timed in `service`.
  if (f.Has("failed")) n.failed = f.Histogram("failed");
  if (f.Has("errors_by")) {
    auto errors_by = stats::ErrorBreakdown::FromJson(f.raw());
    if (!errors_by) throw Bad{fmt::format("{}: {}", f.Path("errors_by"), errors_by.error())};
    n.errors_by = std::move(*errors_by);
  }
  return n;
}

std::vector<stats::Interval> ThroughputOf(const Fields& top) {
  std::vector<stats::Interval> intervals;
  if (!top.Has("throughput")) return intervals;
  const json& list = top.Array("throughput");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Fields f(list[i], Indexed("throughput", i));
    intervals.push_back({f.Time("end"), f.Double("requests_per_s"), f.Double("sum_local_ops_per_s")});
  }
  return intervals;
}

void Fill(Report& r, const json& j) {
  Fields top(j, "");
  if (!j.contains("schema")) throw Bad{"not a pylogen report (no \"schema\")"};
  const json& schema = j.at("schema");
  if (!schema.is_number_integer()) throw Bad{"not a pylogen report (\"schema\" is not a number)"};
  if (schema.get<std::int64_t>() != output::kReportSchema) {
    throw Bad{fmt::format("report schema {}, this pylogen reads schema {}", schema.dump(),
                          output::kReportSchema)};
  }
  output::RunSummary& s = r.summary;
  stats::Aggregator& agg = *r.stats;
  s.stats = &agg;
  if (top.Has("host")) s.host = top.String("host");
  s.start_wall_ns = top.Time("start");
  s.end_wall_ns = top.Time("end");
  s.duration_s = top.Double("duration_s");
  s.interrupted = top.Bool("interrupted");
  s.operations = top.U64("operations");
  // The ids in their report order (the loads' order), then the names.
  IdSpans spans;
  const json& ids = top.Array("ids");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Fields id(ids[i], Indexed("ids", i));
    std::string load_id = id.String("id");
    agg.RestoreLoad(load_id);
    spans[load_id] = {id.Time("start"), id.Time("end")};
  }
  const json& names = top.Array("names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    agg.RestoreName(NameOf(Fields(names[i], Indexed("names", i)), agg, spans));
  }
  Fields marks = top.Object("high_water_marks");
  agg.RestoreMarks(HighWaterOf(marks, "queue_length"), HighWaterOf(marks, "throughput"),
                   HighWaterOf(marks, "running_workers"), HighWaterOf(marks, "busy_workers"));
  if (marks.Has("jobs_queue_length")) agg.RestoreJobsQueueLength(HighWaterOf(marks, "jobs_queue_length"));
  agg.RestoreIntervals(ThroughputOf(top));
  Fields wait = top.Object("producer_wait");
  s.producer_wait_ns = wait.U64("ns");
  s.producer_waits = wait.U64("count");
  s.ring_capacity = wait.U64("ring_capacity");
  const json& workers = top.Array("workers");
  for (std::size_t i = 0; i < workers.size(); ++i) {
    s.workers.push_back(WorkerOf(Fields(workers[i], Indexed("workers", i))));
  }
  s.unlisted_processes = top.U64("unlisted_workers");
  Fields memory = top.Object("shared_memory");
  s.shared_memory_bytes = memory.U64("bytes");
  s.ring_bytes = memory.U64("ring_bytes");
  s.ring_budget_bytes = memory.U64("ring_budget_bytes");
  Fields forks = top.Object("fork_failures");
  s.fork_failures = forks.Unsigned<std::uint32_t>("count");
  s.fork_error = forks.String("first_error");
  const json& opened = top.Array("opened");
  for (std::size_t i = 0; i < opened.size(); ++i) {
    s.opened.push_back(OpenedOf(Fields(opened[i], Indexed("opened", i))));
  }
  const json& list = top.Array("thresholds");
  for (std::size_t i = 0; i < list.size(); ++i) {
    s.thresholds.push_back(ThresholdOf(Fields(list[i], Indexed("thresholds", i))));
  }
  const json& warnings = top.Array("warnings");
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    if (!warnings[i].is_string()) throw Bad{fmt::format("warnings[{}]: expected a string", i)};
    s.warnings.push_back(warnings[i].get<std::string>());
  }
  if (top.Has("intervals")) r.intervals = top.Array("intervals");
  if (top.Has("event_lines")) {
    top.Object("event_lines");  // an object
    r.event_lines = j.at("event_lines");
  }
}

// 1-based line and column of byte `offset` of `text`.
std::pair<std::size_t, std::size_t> LineColumn(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1 + std::count(text.begin(), text.begin() + offset, '\n');
  std::size_t last = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
  return {line, last == std::string::npos ? offset + 1 : offset - last};
}

}  // namespace


std::expected<Report, std::string> ParseReport(const json& j, const std::string& origin) {
  Report r;
  r.origin = origin;
  r.stats = std::make_unique<stats::Aggregator>(std::vector<std::string>{}, std::vector<std::string>{});
  try {
    if (!j.is_object()) throw Bad{"not a pylogen report (not a JSON object)"};
    Fill(r, j);
  } catch (const Bad& bad) {
    return std::unexpected(fmt::format("{}: {}", origin, bad.text));
  } catch (const json::exception&) {
    // Fields checks kinds before each get(): not reached, but never a raw
    // library text.
    return std::unexpected(fmt::format("{}: not a pylogen report (a field of an unexpected kind)", origin));
  }
  return r;
}

std::expected<Report, std::string> ReadReport(const std::string& path) {
  auto text = util::ReadInputFile("report", path, kMaxReportBytes);
  if (!text) return std::unexpected(text.error());
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::parse_error& e) {
    auto [line, column] = LineColumn(*text, e.byte == 0 ? 0 : e.byte - 1);
    return std::unexpected(fmt::format("{}: not JSON (syntax error at line {}, column {})",
                                       util::Excerpt(path), line, column));
  }
  return ParseReport(j, util::Excerpt(path));
}

}  // namespace pylogen::report
