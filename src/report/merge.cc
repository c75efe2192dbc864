#include "report/merge.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "stats/interval_json.h"

namespace pylogen::report {
namespace {

using nlohmann::json;

void MergeOpened(output::OpenedSummary& into, const output::OpenedSummary& from) {
  into.scheduled += from.scheduled;
  into.due += from.due;
  into.emitted += from.emitted;
  into.dropped += from.dropped;
  into.served += from.served;
  if (into.emitted_per_second.size() < from.emitted_per_second.size()) {
    into.emitted_per_second.resize(from.emitted_per_second.size(), 0);
  }
  for (std::size_t i = 0; i < from.emitted_per_second.size(); ++i) {
    into.emitted_per_second[i] += from.emitted_per_second[i];
  }
  if (from.lateness_known) {
    into.lateness.Merge(from.lateness);
    into.lateness_known = true;
  }
  into.generator_cpu_s += from.generator_cpu_s;
  into.generator_run_s = std::max(into.generator_run_s, from.generator_run_s);
  // The worst end of the generators: one that did not end says so.
  if (into.generator_state == "ended" && from.generator_state != "ended") {
    into.generator_state = from.generator_state;
    into.generator_signal = from.generator_signal;
  }
  // Each machine's controller drove its own workers: the targets add up.
  into.controller_target += from.controller_target;
  into.controller_target_max += from.controller_target_max;
  into.max_workers += from.max_workers;
  into.limit_wanted += from.limit_wanted;
  if (from.limit_checks != 0 &&
      (into.limit_checks == 0 || from.limit_since_wall_ns < into.limit_since_wall_ns)) {
    into.limit_since_wall_ns = from.limit_since_wall_ns;
  }
  into.limit_checks += from.limit_checks;
  into.waited_longer_than_service += from.waited_longer_than_service;
}

void KeepHighest(stats::HighWater& into, const stats::HighWater& from) {
  if (from.value > into.value) into = from;
}

std::string Prefixed(const std::string& origin, const std::string& text) {
  return fmt::format("{}: {}", origin, text);
}


std::expected<std::int64_t, std::string> StartOf(const json& object, const std::string& where) {
  if (!object.is_object()) return std::unexpected(where + ": expected an object");
  auto it = object.find("start_ns");
  if (it == object.end() || !it->is_number_integer()) {
    return std::unexpected(where + ".start_ns: expected an integer");
  }
  return it->get<std::int64_t>();
}

}  // namespace

void MergeNameStats(stats::NameStats& into, const stats::NameStats& from) {
  if (from.count != 0) {
    if (into.count == 0 || from.first_begin_ns < into.first_begin_ns) {
      into.first_begin_ns = from.first_begin_ns;
    }
    into.last_end_ns = std::max(into.last_end_ns, from.last_end_ns);
  }
  into.count += from.count;
  into.errors += from.errors;
  into.bytes_in += from.bytes_in;
  into.bytes_out += from.bytes_out;
  into.service.Merge(from.service);
  if (from.wait) {
    if (!into.wait) {
      into.wait = std::make_unique<stats::Histogram>();
      into.response = std::make_unique<stats::Histogram>();
    }
    into.wait->Merge(*from.wait);
    into.response->Merge(*from.response);
  }
  into.failed.Merge(from.failed);
  into.errors_by.Merge(from.errors_by);
}

std::expected<Report, std::string> MergeReports(const std::vector<Report>& inputs) {
  Report merged;
  merged.stats = std::make_unique<stats::Aggregator>(std::vector<std::string>{}, std::vector<std::string>{});
  stats::Aggregator& agg = *merged.stats;
  output::RunSummary& s = merged.summary;
  s.stats = &agg;
  // The ids in the order first met (each input's in its loads' order).
  for (const Report& r : inputs) {
    for (std::size_t load = 0; load < r.stats->load_count(); ++load) {
      agg.RestoreLoad(r.stats->load_id(static_cast<std::uint16_t>(load)));
    }
  }
  // Names by (id, name, nature), in the order first met.
  std::vector<stats::NameStats> names;
  std::map<std::tuple<std::string, std::string, stats::RecordKind>, std::size_t> index;
  stats::HighWater queue, throughput, running, busy, jobs_queue;
  std::set<std::string> hosts;
  std::vector<std::string> host_order;
  std::vector<json> intervals;
  for (const Report& r : inputs) {
    const output::RunSummary& in = r.summary;
    for (const stats::NameStats& n : r.stats->names()) {
      const std::string& id = r.stats->load_id(n.load);
      auto [it, fresh] = index.try_emplace({id, n.name, n.kind}, names.size());
      if (fresh) {
        stats::NameStats& added = names.emplace_back();
        added.name = n.name;
        added.kind = n.kind;
        added.load = agg.RestoreLoad(id);
      }
      MergeNameStats(names[it->second], n);
    }
    KeepHighest(queue, r.stats->queue_length());
    KeepHighest(throughput, r.stats->throughput());
    KeepHighest(running, r.stats->running());
    KeepHighest(busy, r.stats->busy());
    KeepHighest(jobs_queue, r.stats->jobs_queue_length());
    if (!in.host.empty() && hosts.insert(in.host).second) host_order.push_back(in.host);
    s.interrupted = s.interrupted || in.interrupted;
    s.operations += in.operations;
    s.producer_wait_ns += in.producer_wait_ns;
    s.producer_waits += in.producer_waits;
    s.ring_capacity = std::max(s.ring_capacity, in.ring_capacity);
    s.unlisted_processes += in.unlisted_processes;
    s.unlisted_empty_operations += in.unlisted_empty_operations;
    s.unlisted_callback_errors += in.unlisted_callback_errors;
    s.shared_memory_bytes += in.shared_memory_bytes;
    s.ring_bytes += in.ring_bytes;
    s.ring_budget_bytes += in.ring_budget_bytes;
    s.fork_failures += in.fork_failures;
    if (s.fork_error.empty() && !in.fork_error.empty()) s.fork_error = Prefixed(r.origin, in.fork_error);
    for (const output::WorkerSummary& w : in.workers) {
      output::WorkerSummary& added = s.workers.emplace_back(w);
      if (added.origin.empty()) added.origin = r.origin;
      if (added.host.empty()) added.host = in.host;
    }
    for (const output::OpenedSummary& o : in.opened) {
      auto same = std::find_if(s.opened.begin(), s.opened.end(),
                               [&](const output::OpenedSummary& m) { return m.load_id == o.load_id; });
      if (same == s.opened.end()) {
        s.opened.push_back(o);
      } else {
        MergeOpened(*same, o);
      }
    }
    for (const std::string& w : in.warnings) s.warnings.push_back(Prefixed(r.origin, w));
    intervals.push_back(r.intervals);
  }
  for (stats::NameStats& n : names) agg.RestoreName(std::move(n));
  agg.RestoreMarks(queue, throughput, running, busy);
  agg.RestoreJobsQueueLength(jobs_queue);
  // One report alone is rendered again: its own throughput intervals hold.
  if (inputs.size() == 1) agg.RestoreIntervals(inputs.front().stats->intervals());
  for (const std::string& host : host_order) s.host += (s.host.empty() ? "" : ",") + host;
  s.start_wall_ns = agg.first_begin_ns();
  s.end_wall_ns = agg.last_end_ns();
  s.duration_s = s.end_wall_ns > s.start_wall_ns ? (s.end_wall_ns - s.start_wall_ns) / 1e9 : 0;
  auto merged_intervals = MergeIntervals(intervals, stats::MergeIntervalJson);
  if (!merged_intervals) return std::unexpected(merged_intervals.error());
  merged.intervals = std::move(*merged_intervals);
  return merged;
}

std::vector<thresholds::Threshold> MergedThresholds(const std::vector<Report>& inputs) {
  std::vector<thresholds::Threshold> list;
  for (const Report& r : inputs) {
    for (const thresholds::Observed& o : r.summary.thresholds) {
      bool known = std::any_of(list.begin(), list.end(), [&](const thresholds::Threshold& t) {
        return t.expression == o.threshold.expression;
      });
      if (!known) list.push_back(o.threshold);
    }
  }
  return list;
}

std::expected<json, std::string> MergeIntervals(const std::vector<json>& arrays, const IntervalMerge& merge) {
  // start_ns -> the merged object; std::map keeps them sorted.
  std::map<std::int64_t, json> by_start;
  for (std::size_t a = 0; a < arrays.size(); ++a) {
    const json& array = arrays[a];
    if (array.is_null()) continue;
    if (!array.is_array()) return std::unexpected(fmt::format("report {}: intervals: expected an array", a + 1));
    for (std::size_t i = 0; i < array.size(); ++i) {
      std::string where = fmt::format("report {}: intervals[{}]", a + 1, i);
      auto start = StartOf(array[i], where);
      if (!start) return std::unexpected(start.error());
      auto [it, fresh] = by_start.try_emplace(*start, array[i]);
      if (fresh) continue;
      if (auto merged = merge(it->second, array[i]); !merged) {
        return std::unexpected(fmt::format("{}: {}", where, merged.error()));
      }
    }
  }
  json out = json::array();
  for (auto& [start, object] : by_start) out.push_back(std::move(object));
  return out;
}


}  // namespace pylogen::report
