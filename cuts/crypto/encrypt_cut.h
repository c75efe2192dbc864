// EncryptCut: a local stand-in for a Cloud KMS Encrypt call, the class of
// the sample CUTs Encrypt and KmsEncrytSymmetric (Pylogen's name).
//
// Each operation is one request "encrypt": AES-256-GCM of `length` random
// bytes (the current --lengths token) with a fresh random 96-bit IV, the
// key's AAD if any, and a 128-bit tag. What is timed is the local crypto
// cost, not a network or KMS latency. Bytes: in = IV + ciphertext + tag (what
// a KMS would return), out = plaintext + AAD (what would be sent).
//
// --extra: {"file": "KmsDefault.json", "key": "symmetric1"} names a
// GOOGLE_SYMMETRIC_ENCRYPTION entry (see key_material.h); setup() throws a
// message naming the key when it is missing or unusable.
//
// Lifecycle (pylogen's, see pylogen/cut.h): setup() once per process loads
// the key and creates the cipher context, reused by every operation;
// resetBeforeStep() prepares the plaintext outside the timed region; func()
// encrypts. A length token that is not a byte count fails the request with
// kRcBadLength; an OpenSSL failure fails it with kRcCryptoFailed. After
// the first operations at the longest length, func() allocates nothing.
//
// Threading: one instance per process, one thread (OpenSSL's error queue is
// per thread).
#ifndef PYLOGEN_CUTS_CRYPTO_ENCRYPT_CUT_H_
#define PYLOGEN_CUTS_CRYPTO_ENCRYPT_CUT_H_

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/key_material.h"
#include "crypto/openssl_util.h"
#include "crypto/payload.h"
#include "pylogen/cut.h"

namespace pylogen::cuts::crypto {

class EncryptCut : public ClassUnderTest {
 public:
  static constexpr std::string_view kRequestName = "encrypt";
  static constexpr std::size_t kIvBytes = 12;
  static constexpr std::size_t kTagBytes = 16;

  void setup() override;
  void resetBeforeStep() override;
  void func() override;

  // The last operation's input and output, valid after a successful func()
  // until the next resetBeforeStep(). For tests and curious CUT authors.
  std::span<const unsigned char> plaintext() const { return payload_.bytes(); }
  std::span<const unsigned char> iv() const { return iv_; }
  std::span<const unsigned char> ciphertext() const { return {ciphertext_.data(), sealed_}; }
  std::span<const unsigned char> tag() const { return tag_; }
  std::string_view aad() const { return key_.aad; }

 private:
  // Encrypts plaintext() into iv_, ciphertext_, tag_; false on an OpenSSL error.
  bool Seal();
  void Encrypt(Request& request);

  SymmetricKey key_;
  CipherCtxPtr ctx_;  // keyed in setup(); only the IV changes per operation
  Payload payload_;
  std::array<unsigned char, kIvBytes> iv_{};
  std::vector<unsigned char> ciphertext_;  // grows to the longest length, never shrinks
  std::size_t sealed_ = 0;                 // bytes of ciphertext_ of the last operation
  std::array<unsigned char, kTagBytes> tag_{};
};

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_ENCRYPT_CUT_H_
