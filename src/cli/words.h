// Splitting a scenario line into words, as Pylogen does: on white space,
// double quotes kept as they are (so --extra {"sleep":0} works as written),
// and a single-quoted stretch may hold spaces and loses its quotes
// (--extra '{"sleep": 0}').
#ifndef PYLOGEN_CLI_WORDS_H_
#define PYLOGEN_CLI_WORDS_H_

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace pylogen::cli {

// Errors: an unterminated single quote.
std::expected<std::vector<std::string>, std::string> SplitWords(std::string_view line);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_WORDS_H_
