#include "crypto/encrypt_cut.h"

#include <openssl/rand.h>

namespace pylogen::cuts::crypto {

void EncryptCut::setup() {
  KeyEntry entry = LoadKeyEntry(extra(), context());
  std::string_view cut = context().cut_name;  // the name it was loaded as
  if (cut.empty()) cut = "Encrypt";
  key_ = ParseSymmetricKey(entry.params, entry.name, cut);
  ctx_.reset(EVP_CIPHER_CTX_new());
  if (!ctx_) ThrowOpenSslError("EVP_CIPHER_CTX_new");
  const unsigned char* material = key_.material.data();
  if (EVP_EncryptInit_ex2(ctx_.get(), EVP_aes_256_gcm(), material, nullptr, nullptr) != 1) {
    ThrowOpenSslError("AES-256-GCM key setup");
  }
}

void EncryptCut::resetBeforeStep() {
  sealed_ = 0;
  if (!payload_.Prepare(length())) return;
  if (ciphertext_.size() < payload_.bytes().size()) ciphertext_.resize(payload_.bytes().size());
}

void EncryptCut::func() {
  requests().exec(kRequestName, [this](Request& request) { Encrypt(request); });
}

void EncryptCut::Encrypt(Request& request) {
  if (!payload_.ok()) return request.Fail(kRcBadLength, payload_.error());
  if (!Seal()) return request.Fail(kRcCryptoFailed, "encrypt: " + OpenSslReason());
  request.AddBytes(kIvBytes + sealed_ + kTagBytes, payload_.bytes().size() + key_.aad.size());
}

bool EncryptCut::Seal() {
  EVP_CIPHER_CTX* ctx = ctx_.get();
  std::span<const unsigned char> in = payload_.bytes();
  const auto* aad = reinterpret_cast<const unsigned char*>(key_.aad.data());
  int written = 0;
  int tail = 0;
  int ignored = 0;
  // The key stays from setup(); a new IV restarts GCM's state.
  if (RAND_bytes(iv_.data(), kIvBytes) != 1) return false;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv_.data(), nullptr) != 1) return false;
  if (!key_.aad.empty() &&
      EVP_EncryptUpdate(ctx, nullptr, &ignored, aad, static_cast<int>(key_.aad.size())) != 1) {
    return false;
  }
  if (!in.empty() && EVP_EncryptUpdate(ctx, ciphertext_.data(), &written, in.data(),
                                       static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (EVP_EncryptFinal_ex(ctx, ciphertext_.data() + written, &tail) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, tag_.data()) != 1) return false;
  sealed_ = static_cast<std::size_t>(written + tail);
  return true;
}

}  // namespace pylogen::cuts::crypto
