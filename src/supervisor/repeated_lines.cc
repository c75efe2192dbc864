#include "supervisor/repeated_lines.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace pylogen::supervisor {

bool RepeatedLines::Same(const ProcessEnd& a, const ProcessEnd& b) {
  return a.load == b.load && a.kind == b.kind && a.family == b.family && a.detail == b.detail;
}

log::Level RepeatedLines::LevelOf(EndKind kind) {
  switch (kind) {
    case EndKind::kFailedSetup:
    case EndKind::kEscaped:
    case EndKind::kCallbackErrors: return log::Level::kError;
    case EndKind::kCrashed:
    case EndKind::kKilledAfterGrace:
    case EndKind::kFailedTeardown:
    case EndKind::kStrayCompletions:
    case EndKind::kCancelErrors: return log::Level::kWarning;
  }
  return log::Level::kError;
}

std::string RepeatedLines::Line(const ProcessEnd& first, std::uint64_t count, std::uint64_t amount) {
  bool one = count == 1;
  std::string who = one ? first.role : fmt::format("{} {}s", count, first.family);
  switch (first.kind) {
    case EndKind::kFailedSetup: return fmt::format("{} failed setup: {}", who, first.detail);
    case EndKind::kCrashed: return fmt::format("{} crashed: {}", who, first.detail);
    case EndKind::kKilledAfterGrace:
      return fmt::format("{} {} still busy after the grace period: killed", who, one ? "was" : "were");
    case EndKind::kCallbackErrors:
      return fmt::format("{}: {} exception(s) escaped loop callbacks; the first: {}", who, amount,
                         first.detail);
    case EndKind::kFailedTeardown: return fmt::format("{} failed teardown: {}", who, first.detail);
    case EndKind::kEscaped: return fmt::format("{} failed: {}", who, first.detail);
    case EndKind::kStrayCompletions:
      return fmt::format("{}: {} Complete() call(s) of operations not in flight were ignored ({})", who,
                         amount, first.detail);
    case EndKind::kCancelErrors:
      return fmt::format("{}: {} cancel() call(s) threw; the first: {}", who, amount, first.detail);
  }
  return who;
}

void RepeatedLines::Add(const ProcessEnd& end, std::int64_t now_ns) {
  auto it = std::find_if(groups_.begin(), groups_.end(),
                         [&end](const Group& g) { return Same(g.first, end); });
  if (it == groups_.end()) {
    groups_.push_back({end, now_ns});
    it = groups_.end() - 1;
  }
  ++it->count;
  it->amount += end.amount;
}

Said RepeatedLines::Say(Group& group) {
  group.said_count = group.count;
  return {LevelOf(group.first.kind), Line(group.first, group.count, group.amount)};
}

std::vector<Said> RepeatedLines::Due(std::int64_t now_ns) {
  std::vector<Said> out;
  for (Group& g : groups_) {
    if (g.said_count == 0 && now_ns - g.first_ns >= kHoldNs) out.push_back(Say(g));
  }
  return out;
}

std::vector<Said> RepeatedLines::LoadEnded(std::uint32_t load) {
  std::vector<Said> out;
  for (Group& g : groups_) {
    if (g.first.load == load && g.count != g.said_count) out.push_back(Say(g));
  }
  return out;
}

std::vector<Said> RepeatedLines::Flush() {
  std::vector<Said> out;
  for (Group& g : groups_) {
    if (g.count != g.said_count) out.push_back(Say(g));
  }
  return out;
}

std::int64_t RepeatedLines::NextDeadline() const {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const Group& g : groups_) {
    if (g.said_count == 0) next = std::min(next, g.first_ns + kHoldNs);
  }
  return next;
}

}  // namespace pylogen::supervisor
