#include "thresholds/threshold.h"

#include <array>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "util/excerpt.h"

namespace pylogen::thresholds {
namespace {

struct Named {
  std::string_view name;
  Metric metric;
};
constexpr std::array<Named, 7> kMetrics{{{"mean", Metric::kMean},
                                         {"min", Metric::kMin},
                                         {"max", Metric::kMax},
                                         {"count", Metric::kCount},
                                         {"errors", Metric::kErrors},
                                         {"rate", Metric::kRate},
                                         {"dropped", Metric::kDropped}}};

struct Unit {
  std::string_view name;
  double ns;
};
// Longest first where one is the prefix of another ("ms" before "m").
constexpr std::array<Unit, 7> kUnits{{{"ns", 1},
                                      {"us", 1e3},
                                      {"\xC2\xB5s", 1e3},  // µs, micro sign
                                      {"\xCE\xBCs", 1e3},  // μs, Greek mu
                                      {"ms", 1e6},
                                      {"s", 1e9},
                                      {"m", 60e9}}};

struct OpText {
  std::string_view text;
  Op op;
};
constexpr std::array<OpText, 6> kOps{{{"<=", Op::kLessEqual},
                                      {">=", Op::kGreaterEqual},
                                      {"==", Op::kEqual},
                                      {"!=", Op::kNotEqual},
                                      {"<", Op::kLess},
                                      {">", Op::kGreater}}};

constexpr std::string_view kUnitList = "ns, us, µs, ms, s or m";

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { t_.expression = std::string(text); }

  std::expected<Threshold, std::string> Parse() {
    if (auto ok = SeriesPart(); !ok) return std::unexpected(ok.error());
    if (auto ok = MetricPart(); !ok) return std::unexpected(ok.error());
    if (auto ok = Selector(); !ok) return std::unexpected(ok.error());
    if (auto ok = Operator(); !ok) return std::unexpected(ok.error());
    if (auto ok = Limit(); !ok) return std::unexpected(ok.error());
    SkipSpace();
    if (at_ != text_.size()) return Fail("the end of the expression");
    return std::move(t_);
  }

 private:
  using Status = std::expected<void, std::string>;

  std::unexpected<std::string> Fail(std::string_view expected) const {
    return Fail(at_, expected);
  }
  std::unexpected<std::string> Fail(std::size_t at, std::string_view expected) const {
    std::string shown = at < text_.size() ? util::Excerpt(text_.substr(at), 20) : "the end";
    if (at < text_.size()) shown = "'" + shown + "'";
    return std::unexpected(fmt::format("'{}': at character {} ({}), expected {}",
                                       util::Excerpt(text_), at + 1, shown, expected));
  }

  void SkipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }
  std::string_view Word() {
    std::size_t start = at_;
    while (at_ < text_.size() && IsLetter(text_[at_])) ++at_;
    return text_.substr(start, at_ - start);
  }
  bool Take(std::string_view s) {
    if (text_.substr(at_).starts_with(s)) {
      at_ += s.size();
      return true;
    }
    return false;
  }

  // [response|service|wait ':']
  Status SeriesPart() {
    SkipSpace();
    std::size_t start = at_;
    std::string_view word = Word();
    SkipSpace();
    if (at_ >= text_.size() || text_[at_] != ':') {
      at_ = start;
      return {};
    }
    if (word == "response") {
      t_.series = Series::kResponse;
    } else if (word == "service") {
      t_.series = Series::kService;
    } else if (word == "wait") {
      t_.series = Series::kWait;
    } else {
      return Fail(start, "a series response:, service: or wait:");
    }
    series_given_ = true;
    ++at_;
    return {};
  }

  // A plain decimal number: digits, optionally '.' and digits.
  std::optional<double> Number() {
    std::size_t start = at_;
    while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
    if (at_ == start) return std::nullopt;
    if (at_ + 1 < text_.size() && text_[at_] == '.' && IsDigit(text_[at_ + 1])) {
      ++at_;
      while (at_ < text_.size() && IsDigit(text_[at_])) ++at_;
    }
    double value = 0;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + at_, value);
    if (ec != std::errc() || !std::isfinite(value)) {
      at_ = start;
      return std::nullopt;
    }
    return value;
  }

  Status MetricPart() {
    SkipSpace();
    std::size_t start = at_;
    constexpr std::string_view kMetricList =
        "a metric: pN (p99, p99.9), mean, min, max, count, errors, rate or dropped";
    if (at_ + 1 < text_.size() && text_[at_] == 'p' && IsDigit(text_[at_ + 1])) {
      ++at_;
      auto p = Number();
      if (!p || *p > 100) return Fail(start, "a percentile p0 to p100 (p99, p99.9)");
      if (at_ < text_.size() && IsLetter(text_[at_])) return Fail(start, kMetricList);
      t_.metric = Metric::kPercentile;
      t_.percentile = *p;
      return {};
    }
    std::string_view word = Word();
    for (const Named& named : kMetrics) {
      if (word != named.name) continue;
      t_.metric = named.metric;
      if (series_given_ && !IsLatency(t_.metric)) {
        return Fail(start, "a latency after a series prefix (pN, mean, min or max)");
      }
      return {};
    }
    if (word == "p" && at_ < text_.size() && text_[at_] == '(') {
      return Fail(start, "a percentile written pN (p95, not k6's p(95))");
    }
    return Fail(start, kMetricList);
  }

  // ['(' SELECTOR ')']
  Status Selector() {
    SkipSpace();
    if (!Take("(")) return {};
    std::size_t start = at_;
    std::size_t close = text_.find(')', at_);
    if (close == std::string_view::npos) return Fail("a name or id closed by ')'");
    if (close == start) return Fail("a name or id between the parentheses");
    t_.selector = std::string(text_.substr(start, close - start));
    at_ = close + 1;
    return {};
  }

  Status Operator() {
    SkipSpace();
    for (const OpText& op : kOps) {
      if (Take(op.text)) {
        t_.op = op.op;
        return {};
      }
    }
    return Fail("an operator <, <=, >, >=, == or !=");
  }

  Status Limit() {
    SkipSpace();
    auto value = Number();
    if (!value) return Fail("a number (50, 0.5)");
    t_.limit = *value;
    SkipSpace();
    if (IsLatency(t_.metric)) {
      std::size_t unit_at = at_;
      for (const Unit& unit : kUnits) {
        if (Take(unit.name)) {
          if (at_ < text_.size() && IsLetter(text_[at_])) break;  // "5sec": not a unit
          t_.limit *= unit.ns;
          return {};
        }
      }
      at_ = unit_at;
      return Fail(fmt::format("a unit {}", kUnitList));
    }
    if (t_.metric == Metric::kErrors && Take("%")) {
      t_.percent = true;
      return {};
    }
    if (at_ < text_.size()) {
      return Fail(t_.metric == Metric::kErrors ? "a count or a percentage (errors<1%), no unit"
                                               : "a plain number, no unit");
    }
    return {};
  }

  std::string_view text_;
  std::size_t at_ = 0;
  bool series_given_ = false;
  Threshold t_;
};

}  // namespace

std::expected<Threshold, std::string> ParseThreshold(std::string_view text) {
  return Parser(text).Parse();
}

bool Holds(double observed, Op op, double limit) {
  switch (op) {
    case Op::kLess: return observed < limit;
    case Op::kLessEqual: return observed <= limit;
    case Op::kGreater: return observed > limit;
    case Op::kGreaterEqual: return observed >= limit;
    case Op::kEqual: return observed == limit;
    case Op::kNotEqual: return observed != limit;
  }
  return false;
}

bool IsLatency(Metric metric) {
  return metric == Metric::kPercentile || metric == Metric::kMean || metric == Metric::kMin ||
         metric == Metric::kMax;
}

}  // namespace pylogen::thresholds
