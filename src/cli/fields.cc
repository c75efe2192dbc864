#include "cli/fields.h"

#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/prefix.h"
#include "cli/values.h"
#include "schedule/arrivals.h"
#include "schedule/schedule.h"
#include "util/excerpt.h"

namespace pylogen::cli {
namespace {

using Status = std::expected<void, std::string>;
using Label = std::string_view;
using Setter = Status (*)(Label label, const std::string& text, FieldTarget& t);

struct Field {
  std::string_view name;      // as CLI11 names the option
  std::string_view expected;  // what a value looks like, for an empty one
  Setter set;
};

template <class T, class R>
Status Store(std::expected<R, std::string> result, T& target) {
  if (!result) return std::unexpected(std::move(result.error()));
  target = static_cast<T>(std::move(*result));
  return {};
}

// A schedule module's error names the option itself ("--burst: ...",
// "--schedule segment 2 ..."): put the label in its place.
std::string Relabel(Label label, std::string_view option, const std::string& error) {
  if (error.starts_with(option)) return std::string(label) + error.substr(option.size());
  return fmt::format("{}: {}", label, error);
}

constexpr auto kMax32 = std::numeric_limits<std::uint32_t>::max();
constexpr auto kMax64 = std::numeric_limits<std::uint64_t>::max();

Status PositiveDuration(Label l, const std::string& s, double& target) {
  if (auto set = Store(ParseDuration(l, s), target); !set) return set;
  if (target <= 0) return std::unexpected(fmt::format("{}: expected a duration > 0", l));
  return {};
}

Status Summary(Label l, const std::string& s, FieldTarget& t) {
  return Store(ParseDuration(l, s, plan::kMinSummaryS, plan::kMinSummaryText), t.run.summary_s);
}

Status Queue(Label l, const std::string& s, FieldTarget& t) {
  std::uint64_t& queue = t.run.queue;
  if (auto set = Store(ParseCount(l, s, 0, 1u << 24), queue); !set) return set;
  if (queue != 0 && (queue < 2 || (queue & (queue - 1)) != 0)) {
    return std::unexpected(
        fmt::format("{}: {} is not a power of two >= 2 (or 0 for automatic)", l, queue));
  }
  return {};
}

Status Jobs(Label l, const std::string& s, FieldTarget& t) {
  std::uint64_t& jobs = t.run.load.jobs;
  if (auto set = Store(ParseCount(l, s, 2, 1u << 24), jobs); !set) return set;
  if ((jobs & (jobs - 1)) != 0) {
    return std::unexpected(fmt::format("{}: {} is not a power of two", l, jobs));
  }
  return {};
}

Status Extra(Label l, const std::string& s, FieldTarget& t) {
  if (auto set = Store(ParseJsonObject(l, s), t.run.load.extra); !set) return set;
  if (JsonTextDepth(s) > kMaxExtraDepth) {
    return std::unexpected(
        fmt::format("{}: nests deeper than {} levels (expected a JSON object of at most {} levels)",
                    l, kMaxExtraDepth, kMaxExtraDepth));
  }
  return {};
}

Status ScheduleField(Label l, const std::string& s, FieldTarget& t) {
  auto parsed = schedule::Schedule::Parse(s);
  if (!parsed) return std::unexpected(Relabel(l, "--schedule", parsed.error()));
  t.run.load.schedule = s;
  return {};
}

Status BurstField(Label l, const std::string& s, FieldTarget& t) {
  auto parsed = schedule::BurstPlanner::Parse(s, 0);
  if (!parsed) return std::unexpected(Relabel(l, "--burst", parsed.error()));
  t.run.load.burst = s;
  return {};
}

Status Arrivals(Label l, const std::string& s, FieldTarget& t) {
  if (s != "uniform" && s != "poisson") {
    return std::unexpected(fmt::format("{}: '{}' is not uniform or poisson", l, s));
  }
  t.run.load.arrivals = s;
  return {};
}

Status Prefork(Label l, const std::string& s, FieldTarget& t) {
  t.prefork_given = true;
  return Store(ParseCount(l, s, 0, 100000), t.run.load.prefork);
}

Status Seed(Label l, const std::string& s, FieldTarget& t) {
  t.run.load.seed_given = true;
  return Store(ParseCount(l, s, 0, kMax64), t.run.load.seed);
}

// Repeatable: each occurrence adds one.
Status ThresholdField(Label l, const std::string& s, FieldTarget& t) {
  if (t.run.thresholds.size() >= thresholds::kMaxThresholds) {
    return std::unexpected(fmt::format("{}: more than {} given", l, thresholds::kMaxThresholds));
  }
  auto threshold = thresholds::ParseThreshold(s);
  if (!threshold) return std::unexpected(fmt::format("{}: {}", l, threshold.error()));
  t.run.thresholds.push_back(std::move(*threshold));
  return {};
}

// Accepted for Pylogen compatibility, checked, without effect.
Status IgnoredDuration(Label l, const std::string& s, FieldTarget&) {
  double ignored = 0;
  return Store(ParseDuration(l, s), ignored);
}

Status Text(std::string& target, const std::string& s) {
  target = s;
  return {};
}

// An output's path, checked at each occurrence for what can be told before
// it is opened (main opens it after the CUT probe): not a directory, a name
// the kernel takes, in a directory that exists and may be written.
Status OutputPath(Label l, std::string& target, const std::string& s) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto refuse = [&](std::string_view why) -> Status {
    return std::unexpected(fmt::format("{}: cannot write '{}': {}", l, util::Excerpt(s), why));
  };
  if (s.ends_with('/') || fs::is_directory(s, ec)) return refuse("it is a directory, expected a file");
  if (s.size() >= PATH_MAX) return refuse(std::strerror(ENAMETOOLONG));
  fs::path path(s);
  for (const fs::path& part : path) {
    if (part.native().size() > NAME_MAX) return refuse(std::strerror(ENAMETOOLONG));
  }
  fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    return refuse(fmt::format("no directory '{}'", util::Excerpt(dir.native())));
  }
  bool exists = fs::exists(fs::symlink_status(path, ec));
  if (::access(exists ? s.c_str() : dir.c_str(), W_OK) != 0) return refuse(std::strerror(errno));
  return Text(target, s);
}

// Sorted by nothing: looked up by name. Every option of both command lines.
constexpr Field kFields[] = {
    {"action", "a CUT: cuts/Dummy, cuts.Dummy or a path to a .so",
     [](Label, const std::string& s, FieldTarget& t) { return Text(t.run.load.cut, s); }},
    {"--id", "a name for the load",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseUtf8(l, s), t.run.load.id);
     }},
    {"--process", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 1, 100000), t.run.load.processes);
     }},
    {"--postpone", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.load.postpone_s);
     }},
    {"--rampup", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.load.rampup_s);
     }},
    {"--duration", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.load.duration_s);
     }},
    {"--loops", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 0, kMax32), t.run.load.loops);
     }},
    {"--lengths", "comma-separated values",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseList(l, s), t.run.load.lengths);
     }},
    {"--pauseloop", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.load.pauseloop_s);
     }},
    {"--pauselen", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.load.pauselen_s);
     }},
    {"--extra", "a JSON object", Extra},
    {"--concurrency", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 1, 1u << 20), t.run.load.concurrency);
     }},
    {"--optimeout", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return PositiveDuration(l, s, t.run.load.optimeout_s);
     }},
    {"--summary", "a duration", Summary},
    {"--outformat", "short, csv, long, json, jtl or none",
     [](Label, const std::string& s, FieldTarget& t) { return Text(t.run.outformat, s); }},
    {"--output", "a file name",
     [](Label l, const std::string& s, FieldTarget& t) { return OutputPath(l, t.run.output, s); }},
    {"--report", "a file name",
     [](Label l, const std::string& s, FieldTarget& t) { return OutputPath(l, t.run.report, s); }},
    {"--queue", "an integer", Queue},
    {"--grace", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseDuration(l, s), t.run.grace_s);
     }},
    {"--threshold", "an expression such as p99<50ms", ThresholdField},
    {"--defaults", "a defaults file",  // read by the caller
     [](Label, const std::string&, FieldTarget&) { return Status(); }},
    {"--file", "a scenario file",
     [](Label, const std::string& s, FieldTarget& t) { return Text(t.run.scenario_file, s); }},
    // Opened model.
    {"--schedule", "DURATION@RATE segments like 30@10", ScheduleField},
    {"--prefork", "an integer", Prefork},
    {"--trigger", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 0, kMax32), t.run.load.trigger);
     }},
    {"--controllerDelay", "a duration",
     [](Label l, const std::string& s, FieldTarget& t) {
       return PositiveDuration(l, s, t.run.load.controller_delay_s);
     }},
    {"--decrease", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 1, kMax32), t.run.load.decrease);
     }},
    {"--minworkers", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 1, 100000), t.run.load.min_workers);
     }},
    {"--maxworkers", "an integer",
     [](Label l, const std::string& s, FieldTarget& t) {
       return Store(ParseCount(l, s, 1, 100000), t.run.load.max_workers);
     }},
    {"--arrivals", "uniform or poisson", Arrivals},
    {"--seed", "an integer", Seed},
    {"--burst", "1, 0, N or fN", BurstField},
    {"--jobs", "a power of two", Jobs},
    {"--generatorDelay", "a duration", IgnoredDuration},
    {"--workerDelay", "a duration", IgnoredDuration},
};

const Field* FindField(std::string_view name) {
  for (const Field& field : kFields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

// `error` with every echo of a long `text` cut to an excerpt, and any other
// long quoted stretch (a library quoting part of the text: nlohmann's
// "number overflow parsing '7777...'").
std::string CutEchoes(std::string error, const std::string& text) {
  if (text.size() <= util::kMaxExcerptBytes) return error;
  const std::string excerpt = util::Excerpt(text);
  for (std::size_t at = error.find(text); at != std::string::npos; at = error.find(text, at)) {
    error.replace(at, text.size(), excerpt);
    at += excerpt.size();
  }
  std::string cut;
  std::size_t open = error.find('\'');
  std::size_t done = 0;
  while (open != std::string::npos) {
    std::size_t close = error.find('\'', open + 1);
    if (close == std::string::npos) break;
    std::string_view quoted(error.data() + open + 1, close - open - 1);
    cut.append(error, done, open + 1 - done);
    cut +=
        quoted.size() > util::kMaxExcerptBytes + 32 ? util::Excerpt(quoted) : std::string(quoted);
    done = close;
    open = error.find('\'', close + 1);
  }
  cut.append(error, done);
  return cut;
}

}  // namespace

std::expected<void, std::string> SetField(std::string_view name, std::string_view label,
                                          const std::string& text, FieldTarget& target) {
  const Field* field = FindField(name);
  if (field == nullptr) return std::unexpected(fmt::format("{}: not an option of pylogen", label));
  if (text.empty()) {
    return std::unexpected(fmt::format("{}: empty value (expected {})", label, field->expected));
  }
  auto set = field->set(label, text, target);
  if (!set) return std::unexpected(CutEchoes(std::move(set.error()), text));
  return {};
}

std::expected<void, std::string> SetGivenFields(const CLI::App& app, FieldTarget& target) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() == 0) continue;  // a flag
    // A positional (the CUT) has no long name.
    std::string label = option->get_lnames().empty() ? "the CUT" : option->get_name();
    for (const std::string& text : option->results()) {
      auto set = SetField(option->get_name(), label, text, target);
      if (!set) return set;
    }
  }
  return {};
}

CLI::Option* AddValueOption(CLI::App& app, const std::string& name, const std::string& description,
                            const std::string& default_text) {
  CLI::Option* option = app.add_option(name, description)->type_name("TEXT");
  if (!default_text.empty()) option->default_str(default_text);
  return option->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

std::string UnexpectedArguments(const std::vector<std::string>& remaining, std::string_view usage,
                                const std::vector<std::string>& long_names) {
  const std::string& first = remaining.front();
  if (first.starts_with("-") && first.size() > 1) {
    // The words after it up to the next option are its values: not counted.
    std::size_t others = static_cast<std::size_t>(std::count_if(
        remaining.begin() + 1, remaining.end(), [](const std::string& w) { return w.starts_with("-") && w.size() > 1; }));
    std::string more = others != 0 ? fmt::format(" (and {} more)", others) : std::string();
    std::string nearest = NearestOptionName(first, long_names);
    std::string hint = nearest.empty() ? std::string() : fmt::format("; did you mean --{}?", nearest);
    return fmt::format("unknown option '{}'{}{}", util::Excerpt(first), hint, more);
  }
  std::string more =
      remaining.size() > 1 ? fmt::format(" (and {} more)", remaining.size() - 1) : std::string();
  return fmt::format("unexpected argument '{}'{}: expected {}", util::Excerpt(first), more, usage);
}

std::string MissingValue(std::string_view cli11_what) {
  std::string_view name = cli11_what.substr(0, cli11_what.find(':'));
  for (const Field& field : kFields) {
    if (field.name == name) return fmt::format("{}: no value given (expected {})", name, field.expected);
  }
  return util::Excerpt(cli11_what, 200);
}

std::size_t JsonTextDepth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace pylogen::cli
