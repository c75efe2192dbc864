#include "cli/help_format.h"

#include <fmt/format.h>

#include <sstream>

namespace pylogen::cli {

std::string Wrap(std::string_view text, std::size_t first, std::size_t indent, std::size_t width) {
  std::string out;
  std::size_t used = first;
  bool line_empty = true;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text[at] == '\n') {
      out += '\n';
      out.append(indent, ' ');
      used = indent;
      line_empty = true;
      ++at;
      continue;
    }
    if (text[at] == ' ') {
      ++at;
      continue;
    }
    std::size_t end = text.find_first_of(" \n", at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(at, end - at);
    std::size_t need = word.size() + (line_empty ? 0 : 1);
    if (!line_empty && used + need > width) {
      out += '\n';
      out.append(indent, ' ');
      used = indent;
      line_empty = true;
      need = word.size();
    }
    if (!line_empty) out += ' ';
    out += word;
    used += need;
    line_empty = false;
    at = end;
  }
  return out;
}

std::string DefaultSuffix(std::string_view default_text) {
  return fmt::format(" (default: {})", default_text);
}

CLI::Option* Describe(CLI::Option* option, const std::string& type, std::string_view default_text) {
  if (option->get_expected_max() == 0) {  // a flag
    if (!default_text.empty()) {
      option->description(option->get_description() + DefaultSuffix(default_text));
    }
    return option;
  }
  option->type_name(type);
  if (!default_text.empty()) option->default_str(std::string(default_text));
  return option;
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string name,
                                     CLI::AppFormatMode) const {
  std::string out = Wrap(app->get_description(), 0, 0) + "\n\n";
  out += make_usage(app, name);
  out += make_positionals(app);
  for (const std::string& group : app->get_groups()) {
    std::vector<const CLI::Option*> opts = app->get_options([&group](const CLI::Option* opt) {
      return opt->get_group() == group && opt->nonpositional();
    });
    if (!group.empty() && !opts.empty()) out += make_group(group, false, opts);
  }
  if (!app->get_footer().empty()) out += "\n" + app->get_footer() + "\n";
  return out;
}

std::string HelpFormatter::make_usage(const CLI::App*, std::string) const {
  std::string out = "Usage:\n";
  for (const std::string& line : usage_) out += "  " + line + "\n";
  return out;
}

// One blank line before each group.
std::string HelpFormatter::make_group(std::string group, bool is_positional,
                                      std::vector<const CLI::Option*> opts) const {
  std::string out = "\n" + group + ":\n";
  for (const CLI::Option* opt : opts) out += make_option(opt, is_positional);
  return out;
}

std::string HelpFormatter::make_option(const CLI::Option* opt, bool is_positional) const {
  std::string left = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
  std::string desc = make_option_desc(opt);
  if (left.size() + 2 > kHelpColumn) {
    left += "\n";
    left.append(kHelpColumn, ' ');
  } else {
    left.append(kHelpColumn - left.size(), ' ');
  }
  return left + Wrap(desc, kHelpColumn, kHelpColumn) + "\n";
}

// A positional shows its value type (CUT), not its internal name.
std::string HelpFormatter::make_option_name(const CLI::Option* opt, bool is_positional) const {
  if (is_positional) return opt->get_type_name();
  return opt->get_name(false, true);
}

std::string HelpFormatter::make_option_opts(const CLI::Option* opt) const {
  if (opt->get_positional() || opt->get_expected_max() == 0 || opt->get_type_name().empty()) {
    return "";
  }
  return " " + opt->get_type_name();
}

std::string HelpFormatter::make_option_desc(const CLI::Option* opt) const {
  std::string desc = opt->get_description();
  if (opt->get_expected_max() != 0 && !opt->get_default_str().empty()) {
    desc += DefaultSuffix(opt->get_default_str());
  }
  if (opt->get_required() && !opt->get_positional()) desc += " (required)";
  return desc;
}

void UseHelpFormat(CLI::App& app, std::vector<std::string> usage, const std::string& help_group) {
  auto formatter = std::make_shared<HelpFormatter>(std::move(usage));
  formatter->label("Positionals", "Arguments");
  app.formatter(formatter);
  app.set_help_flag("-h,--help", "Print this help and exit")->group(help_group);
}

}  // namespace pylogen::cli
