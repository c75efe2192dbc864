// EncryptCut (the class of the Encrypt and KmsEncrytSymmetric CUTs), driven
// as a runner drives it; every ciphertext is checked by decrypting it with
// plain OpenSSL calls and the key material read from the key file.
#include <sys/stat.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "crypto/encrypt_cut.h"
#include "cut/loader.h"
#include "crypto/payload.h"
#include "crypto_test_support.h"

namespace pylogen::cuts::crypto {
namespace {

using namespace test_support;  // NOLINT(build/namespaces): the crypto test helpers

using Bytes = std::vector<unsigned char>;

Bytes Copy(std::span<const unsigned char> s) { return Bytes(s.begin(), s.end()); }

// AES-256-GCM decryption, independent of EncryptCut; nullopt when the tag
// does not authenticate.
std::optional<Bytes> Decrypt(const Bytes& key, const Bytes& iv, const Bytes& ciphertext, Bytes tag,
                             const std::string& aad) {
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                      &EVP_CIPHER_CTX_free);
  EVP_CIPHER_CTX* c = ctx.get();
  Bytes plain(ciphertext.size() + 16);
  int n = 0, tail = 0;
  EXPECT_EQ(EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr),
            1);
  EXPECT_EQ(EVP_DecryptInit_ex(c, nullptr, nullptr, key.data(), iv.data()), 1);
  if (!aad.empty()) {
    EXPECT_EQ(EVP_DecryptUpdate(c, nullptr, &n, reinterpret_cast<const unsigned char*>(aad.data()),
                                static_cast<int>(aad.size())),
              1);
  }
  EXPECT_EQ(EVP_DecryptUpdate(c, plain.data(), &n, ciphertext.data(),
                              static_cast<int>(ciphertext.size())),
            1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()), tag.data()),
            1);
  if (EVP_DecryptFinal_ex(c, plain.data() + n, &tail) != 1) return std::nullopt;
  plain.resize(static_cast<std::size_t>(n + tail));
  return plain;
}

std::optional<Bytes> DecryptLast(const EncryptCut& cut, const std::string& key_name,
                                 const std::string& aad) {
  Bytes key = FromHex(SampleEntry(key_name)["material"].get<std::string>());
  return Decrypt(key, Copy(cut.iv()), Copy(cut.ciphertext()), Copy(cut.tag()), aad);
}

const Request& OnlyRequest(EncryptCut& cut) {
  EXPECT_EQ(cut.requests().size(), 1u);
  return *cut.requests().begin();
}

class EncryptTest : public ::testing::Test {
 protected:
  // An EncryptCut bound to `extra` and set up; the test fails if setup throws.
  void SetUpCut(nlohmann::json extra) {
    Bind(cut_, std::move(extra), "Encrypt");
    ASSERT_EQ(SetupError(cut_), "");
  }
  EncryptCut cut_;
};

TEST_F(EncryptTest, CiphertextDecryptsToThePlaintextAtEveryLength) {
  SetUpCut({{"key", "symmetric1"}});
  for (const char* length : {"384", "0", "1024", "16", "384"}) {
    RunOperation(cut_, length);
    const Request& r = OnlyRequest(cut_);
    EXPECT_STREQ(r.name, "encrypt");
    EXPECT_EQ(r.rc, 0) << r.error;
    std::size_t n = std::stoul(length);
    ASSERT_EQ(cut_.plaintext().size(), n);
    ASSERT_EQ(cut_.ciphertext().size(), n);
    EXPECT_EQ(cut_.iv().size(), 12u);
    EXPECT_EQ(cut_.tag().size(), 16u);
    EXPECT_EQ(r.bytes_in, 12 + n + 16) << "IV + ciphertext + tag, as a KMS returns";
    EXPECT_EQ(r.bytes_out, n) << "the plaintext sent";
    auto plain = DecryptLast(cut_, "symmetric1", "");
    ASSERT_TRUE(plain.has_value()) << "length " << length;
    EXPECT_EQ(*plain, Copy(cut_.plaintext())) << "length " << length;
  }
}

TEST_F(EncryptTest, PlaintextIsNotLeftInTheClear) {
  SetUpCut({{"key", "symmetric1"}});
  RunOperation(cut_, "256");
  EXPECT_NE(Copy(cut_.ciphertext()), Copy(cut_.plaintext()));
  EXPECT_NE(Copy(cut_.plaintext()), Bytes(256, 0)) << "the payload is random bytes";
}

TEST_F(EncryptTest, TamperedTagOrCiphertextDoesNotAuthenticate) {
  SetUpCut({{"key", "symmetric1"}});
  RunOperation(cut_, "384");
  Bytes key = FromHex(SampleEntry("symmetric1")["material"].get<std::string>());
  Bytes tag = Copy(cut_.tag());
  tag[5] ^= 0x01;
  EXPECT_FALSE(Decrypt(key, Copy(cut_.iv()), Copy(cut_.ciphertext()), tag, "").has_value());
  Bytes ciphertext = Copy(cut_.ciphertext());
  ciphertext[100] ^= 0x80;
  EXPECT_FALSE(Decrypt(key, Copy(cut_.iv()), ciphertext, Copy(cut_.tag()), "").has_value());
  Bytes other_key = key;
  other_key[0] ^= 0xff;
  EXPECT_FALSE(Decrypt(other_key, Copy(cut_.iv()), Copy(cut_.ciphertext()), Copy(cut_.tag()), "")
                   .has_value());
}

TEST_F(EncryptTest, EveryOperationHasAFreshIv) {
  SetUpCut({{"key", "symmetric1"}});
  RunOperation(cut_, "64");
  Bytes iv1 = Copy(cut_.iv()), ciphertext1 = Copy(cut_.ciphertext());
  RunOperation(cut_, "64");
  EXPECT_NE(Copy(cut_.iv()), iv1);
  EXPECT_NE(Copy(cut_.iv()), Bytes(12, 0));
  EXPECT_NE(Copy(cut_.ciphertext()), ciphertext1) << "same plaintext, another IV";
  EXPECT_TRUE(DecryptLast(cut_, "symmetric1", "").has_value());
}

TEST_F(EncryptTest, AadOfTheKeyIsAuthenticatedAndCounted) {
  SetUpCut({{"key", "symmetric2"}});
  std::string aad = SampleEntry("symmetric2")["aad"].get<std::string>();
  ASSERT_FALSE(aad.empty());
  EXPECT_EQ(cut_.aad(), aad);
  RunOperation(cut_, "100");
  const Request& r = OnlyRequest(cut_);
  EXPECT_EQ(r.rc, 0) << r.error;
  EXPECT_EQ(r.bytes_out, 100 + aad.size()) << "plaintext and AAD are sent";
  auto plain = DecryptLast(cut_, "symmetric2", aad);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(*plain, Copy(cut_.plaintext()));
  EXPECT_FALSE(DecryptLast(cut_, "symmetric2", "").has_value()) << "the AAD is bound to the tag";
  EXPECT_FALSE(DecryptLast(cut_, "symmetric2", aad + "x").has_value());
}

TEST_F(EncryptTest, LengthThatIsNotAByteCountFailsTheRequest) {
  SetUpCut({{"key", "symmetric1"}});
  for (const char* bad : {"small", "-1", "1e3", "67108865"}) {
    RunOperation(cut_, bad);
    const Request& r = OnlyRequest(cut_);
    EXPECT_STREQ(r.name, "encrypt");
    EXPECT_EQ(r.rc, kRcBadLength) << bad;
    EXPECT_NE(std::string(r.error).find(std::string("length '") + bad + "'"), std::string::npos)
        << r.error;
    EXPECT_EQ(r.bytes_in + r.bytes_out, 0u);
  }
  RunOperation(cut_, "32");  // a good length afterwards works again
  EXPECT_EQ(OnlyRequest(cut_).rc, 0);
  EXPECT_TRUE(DecryptLast(cut_, "symmetric1", "").has_value());
}

TEST_F(EncryptTest, KeyFileIsFoundBesideTheCutAndByPath) {
  SetUpCut({{"file", SourceCutDir() + "/KmsDefault.json"}, {"key", "symmetric1"}});
  RunOperation(cut_, "8");
  EXPECT_TRUE(DecryptLast(cut_, "symmetric1", "").has_value());
}

// ---- Key parameters refused by setup(), with a message naming the key ----

struct BadKeyCase {
  const char* label;
  nlohmann::json entry;  // written into a temporary key file as "k"; null: none
  nlohmann::json extra;  // null: {"file": <that file>, "key": "k"}
  std::string expected;  // a part of setup()'s message
};

class EncryptBadKeyTest : public ::testing::TestWithParam<BadKeyCase> {};

TEST_P(EncryptBadKeyTest, SetupThrowsAPreciseMessage) {
  const BadKeyCase& c = GetParam();
  KeyFile file(nlohmann::json{{"_comment", "test keys"}, {"k", c.entry}});
  EncryptCut cut;
  Bind(cut, c.extra.is_null() ? file.Extra("k") : c.extra, "Encrypt");
  std::string error = SetupError(cut);
  EXPECT_NE(error.find(c.expected), std::string::npos) << "got: " << error;
}

const std::string kGoodHex(64, 'a');

INSTANTIATE_TEST_SUITE_P(
    Cases, EncryptBadKeyTest,
    ::testing::Values(
        BadKeyCase{"missing_key",
                   nullptr,
                   {{"key", "nokey"}},
                   "extra.key: \"nokey\" not found in '" + SourceCutDir() + "/KmsDefault.json'"},
        BadKeyCase{"missing_file",
                   nullptr,
                   {{"file", "nope.json"}, {"key", "symmetric1"}},
                   "extra.file: 'nope.json' not found (tried 'nope.json', '" + SourceCutDir() +
                       "/nope.json')"},
        BadKeyCase{"no_key_in_extra", nullptr, nlohmann::json::object(),
                   "extra.key: must be given"},
        BadKeyCase{"unknown_key_in_extra", nullptr, {{"kye", "symmetric1"}},
                   "extra.kye: unknown key (did you mean key?); known keys: file, key"},
        BadKeyCase{"unknown_key_beside_known", nullptr, {{"key", "symmetric1"}, {"fiel", "x.json"}},
                   "extra.fiel: unknown key (did you mean file?); known keys: file, key"},
        BadKeyCase{"ec_key_for_encrypt",
                   nullptr,
                   {{"key", "asymmetric1"}},
                   "key 'asymmetric1' is EC_SIGN_P384_SHA384; Encrypt needs "
                   "GOOGLE_SYMMETRIC_ENCRYPTION"},
        BadKeyCase{"rsa_key_for_encrypt",
                   nullptr,
                   {{"key", "asymmetric2"}},
                   "key 'asymmetric2' is RSA_SIGN_PKCS1_3072_SHA384; Encrypt needs "
                   "GOOGLE_SYMMETRIC_ENCRYPTION"},
        BadKeyCase{"comment_entry",
                   nullptr,
                   {{"key", "_comment"}},
                   "key '_comment' is a JSON string, not an object with an \"algorithm\""},
        BadKeyCase{"no_algorithm",
                   {{"material", kGoodHex}},
                   nullptr,
                   "key 'k' has no \"algorithm\" string"},
        BadKeyCase{"bad_hex",
                   {{"algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION"},
                    {"material", "abcz" + std::string(60, '0')}},
                   nullptr,
                   "key 'k': \"material\" has a non-hex character 'z' at position 3"},
        BadKeyCase{
            "short_material",
            {{"algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION"}, {"material", std::string(62, '0')}},
            nullptr,
            "key 'k': \"material\" has 62 characters; GOOGLE_SYMMETRIC_ENCRYPTION needs 64 hex "
            "digits (32 bytes)"},
        BadKeyCase{
            "long_material",
            {{"algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION"}, {"material", std::string(66, '0')}},
            nullptr,
            "key 'k': \"material\" has 66 characters"},
        BadKeyCase{"material_not_a_string",
                   {{"algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION"}, {"material", 42}},
                   nullptr,
                   "key 'k': \"material\" must be a string of 64 hex digits (32 bytes)"},
        BadKeyCase{
            "aad_not_a_string",
            {{"algorithm", "GOOGLE_SYMMETRIC_ENCRYPTION"}, {"material", kGoodHex}, {"aad", 7}},
            nullptr,
            "key 'k': \"aad\" must be a string"}),
    [](const ::testing::TestParamInfo<BadKeyCase>& info) { return info.param.label; });

// What "file" names is read as a regular file of at most 16 MiB, never
// waited on: anything else is one line naming the key (it used to be
// "basic_filebuf::underflow error reading the file: Is a directory").
TEST(EncryptKeyFile, WhatIsNotAFileIsOneClearLine) {
  KeyFile file(nlohmann::json{{"k", SampleEntry("symmetric1")}});
  std::string dir = std::filesystem::path(file.path()).parent_path().string();
  std::string fifo = dir + "/keys.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string big = dir + "/big.json";
  std::ofstream(big).close();
  std::filesystem::resize_file(big, (std::size_t{16} << 20) + 1);
  std::string text = dir + "/text.json";
  std::ofstream(text) << "not json\n";
  struct Case {
    nlohmann::json file;
    std::string expected;  // the whole message
  };
  for (const Case& c : {
           Case{"", "extra.file: '' is not a file"},
           Case{dir, "extra.file: '" + dir + "' is a directory"},
           Case{fifo, "extra.file: '" + fifo + "' is a FIFO"},
           Case{"/dev/zero", "extra.file: '/dev/zero' is a device"},
           Case{big, "extra.file: '" + big + "' is larger than 16 MiB"},
           Case{text, "extra.file: '" + text + "' is not a JSON object"},
           Case{3, "extra.file: expected a string, got 3"},
       }) {
    EncryptCut cut;
    Bind(cut, {{"file", c.file}, {"key", "k"}}, "Encrypt");
    EXPECT_EQ(SetupError(cut), c.expected);
  }
  EncryptCut cut;
  Bind(cut, {{"file", file.path()}, {"key", 3}}, "Encrypt");
  EXPECT_EQ(SetupError(cut), "extra.key: expected a string, got 3");
}

TEST(EncryptCutName, MessagesNameTheCutAsLoaded) {
  EncryptCut cut;
  Bind(cut, {{"key", "asymmetric1"}}, "KmsEncrytSymmetric");
  EXPECT_EQ(SetupError(cut),
            "key 'asymmetric1' is EC_SIGN_P384_SHA384; KmsEncrytSymmetric needs "
            "GOOGLE_SYMMETRIC_ENCRYPTION");
}

TEST(EncryptUnused, DestroyedWithoutSetupOrAfterAFailedOne) {
  { EncryptCut never_set_up; }
  EncryptCut failed;
  Bind(failed, {{"key", "asymmetric1"}}, "Encrypt");
  EXPECT_NE(SetupError(failed), "");
}

// The built modules register the class under their own names, and run as
// pylogen runs them (setup, one operation) through the loader.
TEST(EncryptModules, RegisteredUnderTheirOwnNames) {
  for (const char* name : {"Encrypt", "KmsEncrytSymmetric"}) {
    pylogen::cut::SearchPaths paths;
    paths.cwd = "/nonexistent";
    paths.own = {PYLOGEN_SAMPLE_CUT_DIR};
    auto loaded = pylogen::cut::LoadedCut::Load(name, paths);
    ASSERT_TRUE(loaded.has_value()) << loaded.error();
    EXPECT_EQ(loaded->name(), name);
    EXPECT_STREQ(loaded->descriptor().class_name, name);
    ClassUnderTest* cut = loaded->descriptor().create();
    Bind(*cut, {{"key", "symmetric1"}}, name);
    EXPECT_EQ(SetupError(*cut), "");
    RunOperation(*cut, "48");
    ASSERT_EQ(cut->requests().size(), 1u);
    EXPECT_EQ(cut->requests().begin()->rc, 0) << cut->requests().begin()->error;
    EXPECT_EQ(cut->requests().begin()->bytes_in, 12u + 48 + 16);
    loaded->descriptor().destroy(cut);
  }
}

}  // namespace
}  // namespace pylogen::cuts::crypto
