#include "crypto/openssl_util.h"

#include <stdexcept>

#include <openssl/err.h>

namespace pylogen::cuts::crypto {

std::string OpenSslError() {
  std::string text;
  char buffer[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no OpenSSL error reported" : text;
}

void ThrowOpenSslError(std::string_view what) {
  throw std::runtime_error(std::string(what) + ": " + OpenSslError());
}

}  // namespace pylogen::cuts::crypto
