#include "cli/words.h"

#include <cctype>

namespace pylogen::cli {

std::expected<std::vector<std::string>, std::string> SplitWords(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool quoted = false;
  for (char c : line) {
    if (quoted) {
      if (c == '\'') {
        quoted = false;
      } else {
        word += c;
      }
    } else if (c == '\'') {
      quoted = true;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted) return std::unexpected("unterminated single quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace pylogen::cli
