// The value of every option, one occurrence at a time: checked, then stored.
// A CUT command line, a scenario command line and a defaults file all go
// through here, so that an option means the same and is checked the same
// wherever it is given (issue 10, "nothing silently accepted"): an empty
// value is bad input, and a repeated option is checked at each occurrence
// (the last one stored wins). Opened-model values (--schedule, --burst ...)
// are checked whatever the model. Cross-checks between options (--prefork
// against --maxworkers) are the caller's, once every value is stored.
// Supervisor process, before any CUT is loaded.
#ifndef PYLOGEN_CLI_FIELDS_H_
#define PYLOGEN_CLI_FIELDS_H_

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace pylogen::cli {

// Where the values go.
struct FieldTarget {
  RunOptions& run;
  bool prefork_given = false;  // else --prefork follows --maxworkers
};

// Checks `text`, one value of the option CLI11 names `name` ("--process",
// "action"), and stores it into `target`. Errors start with `label`: the
// option ("--process") or where the value came from (`d.json: "process"`);
// the input they echo is cut (util::Excerpt).
std::expected<void, std::string> SetField(std::string_view name, std::string_view label,
                                          const std::string& text, FieldTarget& target);

// Adds an option of one value to `app`, unbound: every value given is kept
// in its results(), for SetGivenFields. `default_text` is what --help shows.
CLI::Option* AddValueOption(CLI::App& app, const std::string& name, const std::string& description,
                            const std::string& default_text = "");

// SetField for every value given to `app`'s options (flags aside), each
// option's values in the order given; the first error wins. `app` has been
// parsed; its options are unbound (their values are read from results()).
std::expected<void, std::string> SetGivenFields(const CLI::App& app, FieldTarget& target);

// One line for the arguments CLI11 could not place: the first one (cut) and
// how many more, "unknown option '--x' (and 99999 more)" — never the list of
// them all. `usage`: what the command line looks like. An unknown option
// near one of `long_names` (without dashes) is followed by the suggestion:
// "unknown option '--procs'; did you mean --process?"; the words after an
// unknown option that are not options (its values) are not counted.
std::string UnexpectedArguments(const std::vector<std::string>& remaining, std::string_view usage,
                                const std::vector<std::string>& long_names = {});

// One line for CLI11's "--prefork: 1 required TEXT missing" (an option at
// the end of the line, or written --prefork= with nothing after it):
// "--prefork: no value given (expected an integer)".
std::string MissingValue(std::string_view cli11_what);

// How deep `text` (valid JSON) nests its objects and arrays; counted
// without recursion, so that any depth can be measured and refused.
std::size_t JsonTextDepth(std::string_view text);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_FIELDS_H_
