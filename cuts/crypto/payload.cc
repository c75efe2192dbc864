#include "crypto/payload.h"

#include <charconv>
#include <stdexcept>

#include <openssl/rand.h>

#include "crypto/openssl_util.h"

namespace pylogen::cuts::crypto {

std::optional<std::size_t> ParseByteCount(std::string_view token) {
  std::size_t value = 0;
  const char* end = token.data() + token.size();
  auto parsed = std::from_chars(token.data(), end, value);
  if (token.empty() || parsed.ec != std::errc() || parsed.ptr != end) return std::nullopt;
  if (value > kMaxPayloadBytes) return std::nullopt;
  return value;
}

bool Payload::Prepare(std::string_view token) {
  std::optional<std::size_t> size = ParseByteCount(token);
  ok_ = size.has_value();
  if (!ok_) {
    size_ = 0;
    error_ = "length '" + std::string(token) + "' is not a byte count (0.." +
             std::to_string(kMaxPayloadBytes) + ")";
    return false;
  }
  if (*size > data_.size()) Grow(*size);
  size_ = *size;
  return true;
}

void Payload::Grow(std::size_t size) {
  std::size_t old = data_.size();
  data_.resize(size);
  if (RAND_bytes(data_.data() + old, static_cast<int>(size - old)) != 1) {
    data_.resize(old);
    ThrowOpenSslError("RAND_bytes for the payload");
  }
}

}  // namespace pylogen::cuts::crypto
