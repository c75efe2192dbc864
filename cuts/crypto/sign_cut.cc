#include "crypto/sign_cut.h"

#include <string>

#include <openssl/rsa.h>

namespace pylogen::cuts::crypto {

void SignCut::setup() {
  KeyEntry entry = LoadKeyEntry(extra(), context());
  std::string_view cut = context().cut_name;  // the name it was loaded as
  if (cut.empty()) cut = "Sign";
  key_ = ParseSigningKey(entry.params, entry.name, cut);
  std::string digest_name(key_.algorithm->digest);
  md_.reset(EVP_MD_fetch(nullptr, digest_name.c_str(), nullptr));
  if (!md_) ThrowOpenSslError("fetching " + digest_name);
  md_ctx_.reset(EVP_MD_CTX_new());
  if (!md_ctx_) ThrowOpenSslError("EVP_MD_CTX_new");
  PrepareSigning();
  signature_.resize(static_cast<std::size_t>(EVP_PKEY_get_size(key_.pkey.get())));
}

// One signing context for the process: padding and digest set once.
void SignCut::PrepareSigning() {
  sign_ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.pkey.get(), nullptr));
  EVP_PKEY_CTX* ctx = sign_ctx_.get();
  if (ctx == nullptr) ThrowOpenSslError("EVP_PKEY_CTX_new_from_pkey");
  if (EVP_PKEY_sign_init(ctx) != 1) ThrowOpenSslError("EVP_PKEY_sign_init");
  if (EVP_PKEY_CTX_set_signature_md(ctx, md_.get()) != 1) {
    ThrowOpenSslError("setting the signature digest");
  }
  RsaPadding padding = key_.algorithm->padding;
  if (padding == RsaPadding::kPkcs1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) != 1) {
    ThrowOpenSslError("setting PKCS#1 v1.5 padding");
  }
  if (padding == RsaPadding::kPss &&
      (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    ThrowOpenSslError("setting PSS padding");
  }
}

void SignCut::resetBeforeStep() {
  digest_size_ = 0;
  signed_ = 0;
  payload_.Prepare(length());
}

void SignCut::func() {
  requests().exec(kRequestName, [this](Request& request) { Sign(request); });
}

void SignCut::Sign(Request& request) {
  if (!payload_.ok()) return request.Fail(kRcBadLength, payload_.error());
  if (!DigestAndSign()) {
    return request.Fail(kRcCryptoFailed, "sign: " + OpenSslReason());
  }
  request.AddBytes(signed_, digest_size_);
}

bool SignCut::DigestAndSign() {
  std::span<const unsigned char> in = payload_.bytes();
  unsigned int digest_size = 0;
  if (EVP_DigestInit_ex2(md_ctx_.get(), md_.get(), nullptr) != 1) return false;
  if (EVP_DigestUpdate(md_ctx_.get(), in.data(), in.size()) != 1) return false;
  if (EVP_DigestFinal_ex(md_ctx_.get(), digest_.data(), &digest_size) != 1) return false;
  digest_size_ = digest_size;
  std::size_t size = signature_.size();
  if (EVP_PKEY_sign(sign_ctx_.get(), signature_.data(), &size, digest_.data(), digest_size_) != 1) {
    return false;
  }
  signed_ = size;
  return true;
}

}  // namespace pylogen::cuts::crypto
