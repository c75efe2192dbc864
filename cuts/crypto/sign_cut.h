// SignCut: a local stand-in for a Cloud KMS AsymmetricSign call, the class
// of the sample CUT Sign.
//
// Each operation is one request "sign": the digest of `length` random bytes
// (the current --lengths token), then the signature of that digest with the
// key's algorithm — ECDSA (DER, as Cloud KMS returns it), RSA PKCS#1 v1.5 or
// RSA-PSS with a salt as long as the digest. The digest is the algorithm's:
// SHA-384 for EC_SIGN_P384_SHA384, SHA-256 for RSA_SIGN_PKCS1_3072_SHA256.
// Digest and signature are both timed; what is measured is local crypto
// cost, not a network or KMS latency. Bytes: in = signature (what a KMS would
// return), out = digest (what a client sends to AsymmetricSign).
//
// --extra: {"file": "KmsDefault.json", "key": "asymmetric1"} names an
// EC_SIGN_* or RSA_SIGN_* entry (see key_material.h); setup() throws a
// message naming the key when it is missing, unparsable or not of the size
// or curve its algorithm needs.
//
// Lifecycle (pylogen's, see pylogen/cut.h): setup() once per process loads
// the key, fetches the digest and prepares the digest and signing contexts,
// reused by every operation; resetBeforeStep() prepares the payload outside
// the timed region; func() digests and signs. A length token that is not a
// byte count fails the request with kRcBadLength; an OpenSSL failure fails
// it with kRcCryptoFailed.
//
// Threading: one instance per process, one thread.
#ifndef PYLOGEN_CUTS_CRYPTO_SIGN_CUT_H_
#define PYLOGEN_CUTS_CRYPTO_SIGN_CUT_H_

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

#include "crypto/key_material.h"
#include "crypto/openssl_util.h"
#include "crypto/payload.h"
#include "pylogen/cut.h"

namespace pylogen::cuts::crypto {

class SignCut : public ClassUnderTest {
 public:
  static constexpr std::string_view kRequestName = "sign";

  void setup() override;
  void resetBeforeStep() override;
  void func() override;

  // The last operation's input and output, valid after a successful func()
  // until the next resetBeforeStep(). For tests and curious CUT authors.
  std::span<const unsigned char> payload() const { return payload_.bytes(); }
  std::span<const unsigned char> digest() const { return {digest_.data(), digest_size_}; }
  std::span<const unsigned char> signature() const { return {signature_.data(), signed_}; }
  // The key's algorithm. REQUIRES: setup() succeeded.
  const SignAlgorithm& algorithm() const { return *key_.algorithm; }

 private:
  void PrepareSigning();
  // Digests payload() into digest_, then signs it into signature_; false on
  // an OpenSSL error.
  bool DigestAndSign();
  void Sign(Request& request);

  SigningKey key_;
  MdPtr md_;             // fetched once: no implicit fetch per operation
  MdCtxPtr md_ctx_;      // re-initialised per operation
  PkeyCtxPtr sign_ctx_;  // initialised for signing once, used by every operation
  Payload payload_;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest_{};
  std::size_t digest_size_ = 0;
  std::vector<unsigned char> signature_;  // sized for the key's largest signature in setup()
  std::size_t signed_ = 0;                // bytes of signature_ of the last operation
};

}  // namespace pylogen::cuts::crypto

#endif  // PYLOGEN_CUTS_CRYPTO_SIGN_CUT_H_
