// Python argparse's abbreviations: a long option may be given by any unique
// prefix (--proc for --process). The names come from the CLI11 app itself.
#ifndef PYLOGEN_CLI_PREFIX_H_
#define PYLOGEN_CLI_PREFIX_H_

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace pylogen::cli {

// Rewrites every "--prefix[=value]" of `args` that abbreviates exactly one of
// `long_names` (given without dashes) to the full name. An exact name always
// wins over longer ones; an ambiguous prefix is an error listing the
// candidates; an unknown name is left for the parser to reject. Arguments
// after a bare "--" and the "=value" part of an option are not touched.
// Among the candidates of an ambiguous prefix, a single one listed in
// `preferred` wins: prefixes that were unique in Pylogen, whose options
// pylogen extends, keep their meaning (--out is --outformat, not --output).
// The long option names (without dashes) of a CLI11 app: what prefixes
// expand to.
std::vector<std::string> LongOptionNames(const CLI::App& app);

// The one of `long_names` (without dashes) nearest to the unknown option
// `word` ("--procs", "--procs=2"), for "did you mean --process?": at most 2
// edits (insertions, deletions, substitutions, swaps of two neighbours)
// away, 1 for names of 3 letters or fewer; "" when none is that near. Ties
// go to the name sharing the longest start with `word`, then the shorter.
std::string NearestOptionName(std::string_view word, const std::vector<std::string>& long_names);

std::expected<std::vector<std::string>, std::string> ExpandPrefixes(
    const std::vector<std::string>& args, const std::vector<std::string>& long_names,
    const std::vector<std::string>& preferred = {});

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_PREFIX_H_
