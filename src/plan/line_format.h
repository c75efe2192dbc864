// The per-event line formats (DESIGN §6), as the plan names them;
// output/line_format.h writes them.
#ifndef PYLOGEN_PLAN_LINE_FORMAT_H_
#define PYLOGEN_PLAN_LINE_FORMAT_H_

namespace pylogen::plan {

enum class LineFormat { kShort, kCsv, kLong, kJson, kJtl, kNone };

}  // namespace pylogen::plan

#endif  // PYLOGEN_PLAN_LINE_FORMAT_H_
