#include "stats/interval_json.h"

#include <fmt/format.h>

#include "util/iso_time.h"

namespace pylogen::stats {
namespace {

void PutPercentiles(nlohmann::json& j, const Histogram& h) {
  j["p50_ns"] = h.ValueAtPercentile(50);
  j["p90_ns"] = h.ValueAtPercentile(90);
  j["p99_ns"] = h.ValueAtPercentile(99);
  j["max_ns"] = h.max();
  j["histogram"] = h.ToJson();
}

nlohmann::json LatencyJson(const Histogram& h) {
  nlohmann::json j = nlohmann::json::object();
  PutPercentiles(j, h);
  return j;
}

nlohmann::json TargetJson(const LatencySeries& s) {
  return s.has_target ? nlohmann::json(s.target_rate) : nlohmann::json(nullptr);
}

void PutSeries(nlohmann::json& j, const LatencySeries& s) {
  j["requests"] = s.requests;
  j["errors"] = s.errors;
  j["rate"] = s.rate;
  PutPercentiles(j, s.response);
  if (s.opened) {
    j["service"] = LatencyJson(s.service);
    j["wait"] = LatencyJson(s.wait);
  }
  j["target_rate"] = TargetJson(s);
}

using Error = std::unexpected<std::string>;

template <typename T>
std::expected<T, std::string> Field(const nlohmann::json& j, const char* key,
                                    const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return Error(fmt::format("{}{}: missing", where, key));
  if constexpr (std::is_same_v<T, double>) {
    if (!it->is_number()) return Error(fmt::format("{}{}: expected a number", where, key));
  } else if constexpr (std::is_signed_v<T>) {
    if (!it->is_number_integer())
      return Error(fmt::format("{}{}: expected an integer", where, key));
  } else {
    if (!it->is_number_integer() || (!it->is_number_unsigned() && it->get<std::int64_t>() < 0))
      return Error(fmt::format("{}{}: expected a non-negative integer", where, key));
  }
  return it->get<T>();
}

std::expected<Histogram, std::string> HistogramField(const nlohmann::json& j, const char* key,
                                                     const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return Error(fmt::format("{}{}: missing", where, key));
  auto h = Histogram::FromJson(*it);
  if (!h) return Error(fmt::format("{}{}: {}", where, key, h.error()));
  return h;
}

std::expected<void, std::string> ReadSeries(const nlohmann::json& j, const std::string& where,
                                            LatencySeries& s) {
  auto requests = Field<std::uint64_t>(j, "requests", where);
  if (!requests) return Error(requests.error());
  auto errors = Field<std::uint64_t>(j, "errors", where);
  if (!errors) return Error(errors.error());
  auto rate = Field<double>(j, "rate", where);
  if (!rate) return Error(rate.error());
  auto response = HistogramField(j, "histogram", where);
  if (!response) return Error(response.error());
  if (*errors > *requests)
    return Error(
        fmt::format("{}errors: {} is more than the {} requests", where, *errors, *requests));
  if (response->count() != *requests - *errors) {
    return Error(fmt::format("{}histogram: {} values for {} successful requests", where,
                             response->count(), *requests - *errors));
  }
  s.requests = *requests;
  s.errors = *errors;
  s.rate = *rate;
  s.response = std::move(*response);
  for (auto [key, h] : {std::pair{"service", &s.service}, std::pair{"wait", &s.wait}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_object()) return Error(fmt::format("{}{}: expected an object", where, key));
    auto read = HistogramField(*it, "histogram", fmt::format("{}{}.", where, key));
    if (!read) return Error(read.error());
    *h = std::move(*read);
    s.opened = true;
  }
  auto target = j.find("target_rate");
  if (target != j.end() && !target->is_null()) {
    if (!target->is_number())
      return Error(fmt::format("{}target_rate: expected a number or null", where));
    s.has_target = true;
    s.target_rate = target->get<double>();
  }
  return {};
}

template <typename T>
std::expected<void, std::string> ReadGauge(const nlohmann::json& j, const char* key, T& into) {
  auto value = Field<std::uint64_t>(j, key, "intervals: ");
  if (!value) return Error(value.error());
  into = static_cast<T>(*value);
  return {};
}

}  // namespace

nlohmann::json IntervalToJson(const IntervalStats& interval) {
  nlohmann::json j = nlohmann::json::object();
  j["start"] = util::IsoText(interval.start_ns);
  j["end"] = util::IsoText(interval.end_ns);
  j["start_ns"] = interval.start_ns;
  j["end_ns"] = interval.end_ns;
  j["late"] = interval.late;
  PutSeries(j, interval.total);
  const IntervalGauges& g = interval.gauges;
  j["workers_running"] = g.workers_running;
  j["workers_busy"] = g.workers_busy;
  j["in_flight"] = g.in_flight;
  j["queue_fill"] = g.queue_fill;
  j["jobs_queue_fill"] = g.jobs_queue_fill;
  j["dropped"] = g.dropped;
  nlohmann::json ids = nlohmann::json::array();
  for (const IdSeries& id : interval.ids) {
    nlohmann::json one = {{"id", id.id}};
    PutSeries(one, id.series);
    ids.push_back(std::move(one));
  }
  j["ids"] = std::move(ids);
  return j;
}

std::expected<IntervalStats, std::string> IntervalFromJson(const nlohmann::json& json) {
  const std::string where = "intervals: ";
  if (!json.is_object()) return Error("intervals: expected an object");
  IntervalStats iv;
  auto start = Field<std::int64_t>(json, "start_ns", where);
  if (!start) return Error(start.error());
  auto end = Field<std::int64_t>(json, "end_ns", where);
  if (!end) return Error(end.error());
  if (*end <= *start)
    return Error(fmt::format("intervals: end_ns {} is not after start_ns {}", *end, *start));
  iv.start_ns = *start;
  iv.end_ns = *end;
  if (json.contains("late")) {
    auto late = Field<std::uint64_t>(json, "late", where);
    if (!late) return Error(late.error());
    iv.late = *late;
  }
  if (auto read = ReadSeries(json, where, iv.total); !read) return Error(read.error());
  IntervalGauges& g = iv.gauges;
  for (auto read :
       {ReadGauge(json, "workers_running", g.workers_running),
        ReadGauge(json, "workers_busy", g.workers_busy), ReadGauge(json, "in_flight", g.in_flight),
        ReadGauge(json, "queue_fill", g.queue_fill),
        ReadGauge(json, "jobs_queue_fill", g.jobs_queue_fill),
        ReadGauge(json, "dropped", g.dropped)}) {
    if (!read) return Error(read.error());
  }
  auto ids = json.find("ids");
  if (ids == json.end() || !ids->is_array()) return Error("intervals: ids: expected a list");
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const nlohmann::json& one = (*ids)[i];
    std::string at = fmt::format("intervals: ids[{}].", i);
    if (!one.is_object()) return Error(fmt::format("intervals: ids[{}]: expected an object", i));
    auto id = one.find("id");
    if (id == one.end() || !id->is_string()) return Error(at + "id: expected a string");
    IdSeries series{id->get<std::string>(), {}};
    if (auto read = ReadSeries(one, at, series.series); !read) return Error(read.error());
    iv.ids.push_back(std::move(series));
  }
  return iv;
}

std::expected<void, std::string> MergeIntervalJson(nlohmann::json& into,
                                                   const nlohmann::json& from) {
  auto a = IntervalFromJson(into);
  if (!a) return Error(a.error());
  auto b = IntervalFromJson(from);
  if (!b) return Error(b.error());
  if (auto merged = MergeIntervals(*a, *b); !merged) return Error(merged.error());
  into = IntervalToJson(*a);
  return {};
}

}  // namespace pylogen::stats
