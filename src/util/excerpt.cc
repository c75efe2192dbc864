#include "util/excerpt.h"

#include <fmt/format.h>

namespace pylogen::util {

std::string Excerpt(std::string_view text, std::size_t max_bytes) {
  std::size_t cut = text.size();
  if (text.size() > max_bytes) {
    cut = max_bytes;
    // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  out.reserve(cut + 32);
  for (char c : text.substr(0, cut)) {
    auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? '?' : c;
  }
  if (cut < text.size()) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

}  // namespace pylogen::util
