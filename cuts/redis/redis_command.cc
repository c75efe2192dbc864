#include "redis/redis_command.h"

#include <algorithm>
#include <charconv>

namespace pylogen::cuts {
namespace {

constexpr std::string_view kCount = "{n}";
constexpr std::string_view kPayload = "{payload}";

std::uint64_t Digits(std::uint64_t value) {
  std::uint64_t digits = 1;
  while (value >= 10) {
    value /= 10;
    ++digits;
  }
  return digits;
}

}  // namespace

CommandTemplate::CommandTemplate(const std::vector<std::string>& words) {
  for (const std::string& text : words) {
    Word word;
    std::string_view rest = text;
    while (!rest.empty()) {
      std::size_t count = rest.find(kCount);
      std::size_t payload = rest.find(kPayload);
      std::size_t at = std::min(count, payload);
      if (at == std::string_view::npos) {
        word.pieces.push_back({Kind::kLiteral, std::string(rest)});
        break;
      }
      if (at > 0) word.pieces.push_back({Kind::kLiteral, std::string(rest.substr(0, at))});
      bool is_count = at == count;
      word.pieces.push_back({is_count ? Kind::kCount : Kind::kPayload, {}});
      uses_payload_ = uses_payload_ || !is_count;
      rest.remove_prefix(at + (is_count ? kCount.size() : kPayload.size()));
    }
    if (word.pieces.empty()) word.pieces.push_back({Kind::kLiteral, {}});  // an empty word
    words_.push_back(std::move(word));
  }
  argv_.resize(words_.size());
  argvlen_.resize(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    const auto& pieces = words_[i].pieces;
    if (pieces.size() == 1 && pieces[0].kind == Kind::kLiteral) {
      argv_[i] = pieces[0].text.data();
      argvlen_[i] = pieces[0].text.size();
    }
  }
}

std::string_view CommandTemplate::Payload(std::size_t bytes) {
  if (filler_.size() < bytes) filler_.assign(bytes, 'x');
  return std::string_view(filler_).substr(0, bytes);
}

void CommandTemplate::BuildWord(std::size_t i, std::string_view count, std::size_t payload_bytes) {
  Word& word = words_[i];
  if (word.pieces.size() == 1) {
    switch (word.pieces[0].kind) {
      case Kind::kLiteral:
        return;  // argv_[i] points at it already
      case Kind::kPayload: {
        std::string_view payload = Payload(payload_bytes);
        argv_[i] = payload.data();
        argvlen_[i] = payload.size();
        return;
      }
      case Kind::kCount:
        break;
    }
  }
  word.built.clear();
  for (const Piece& piece : word.pieces) {
    switch (piece.kind) {
      case Kind::kLiteral:
        word.built.append(piece.text);
        break;
      case Kind::kCount:
        word.built.append(count);
        break;
      case Kind::kPayload:
        word.built.append(Payload(payload_bytes));
        break;
    }
  }
  argv_[i] = word.built.data();
  argvlen_[i] = word.built.size();
}

std::uint64_t CommandTemplate::Build(std::uint64_t n, std::size_t payload_bytes) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  std::string_view count(digits, static_cast<std::size_t>(end - digits));
  for (std::size_t i = 0; i < words_.size(); ++i) BuildWord(i, count, payload_bytes);
  return RespCommandBytes(argc(), argvlen_.data());
}

std::uint64_t RespCommandBytes(int argc, const std::size_t* argvlen) {
  std::uint64_t bytes = 1 + Digits(static_cast<std::uint64_t>(argc)) + 2;
  for (int i = 0; i < argc; ++i) bytes += 1 + Digits(argvlen[i]) + 2 + argvlen[i] + 2;
  return bytes;
}

}  // namespace pylogen::cuts
