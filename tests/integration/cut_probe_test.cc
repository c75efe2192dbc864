// A CUT is probed before it is trusted (issue 10, item 2): a damaged or
// hostile library given as the CUT gives one line "F is not a loadable CUT:
// why" and exit 2, through the real binary; the probe it may fork is reaped
// (nothing of the process group is left).
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "harness.h"

namespace pylogen::testing {
namespace {

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), bytes.size());
}

// Dummy.so with the value of its dynamic entry `tag` replaced: what a bit
// flip in the dynamic section does. Empty when Dummy.so has no such entry.
std::string DummyWithDynamicValue(std::int64_t tag, std::uint64_t value) {
  std::string bytes = ReadBytes(SampleCut("Dummy") + ".so");
  Elf64_Ehdr h;
  std::memcpy(&h, bytes.data(), sizeof h);
  for (std::size_t i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr p;
    std::memcpy(&p, bytes.data() + h.e_phoff + i * sizeof p, sizeof p);
    if (p.p_type != PT_DYNAMIC) continue;
    for (std::size_t at = p.p_offset; at + sizeof(Elf64_Dyn) <= p.p_offset + p.p_filesz;
         at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn d;
      std::memcpy(&d, bytes.data() + at, sizeof d);
      if (d.d_tag != tag) continue;
      d.d_un.d_val = value;
      std::memcpy(bytes.data() + at, &d, sizeof d);
      return bytes;
    }
  }
  return "";
}

// pylogen on `cut`: exit 2, one stderr line "pylogen: error: CUT is not a
// loadable CUT: <why...>", nothing on stdout, nothing left running.
void ExpectRefused(const std::string& cut, const std::string& why, double timeout_s = 30) {
  auto r = RunPylogen({cut, "--loops", "1"}, timeout_s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto lines = Lines(r.err);
  ASSERT_EQ(lines.size(), 1u) << r.err;
  std::string head = "pylogen: error: " + cut + " is not a loadable CUT: " + why;
  EXPECT_EQ(lines[0].rfind(head, 0), 0u) << lines[0] << "\nexpected to start with\n" << head;
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_TRUE(GroupGone(r.pgid, 1));
}

TEST(CutProbe, TruncatedCopyNamesBothSizes) {
  std::string dummy = ReadBytes(SampleCut("Dummy") + ".so");
  std::string cut = TempPath("t.so");
  WriteBytes(cut, dummy.substr(0, 4096));  // head -c 4096: it died of SIGBUS
  ExpectRefused(cut, "truncated ELF file (4096 of " + std::to_string(dummy.size()) + " bytes)");
}

TEST(CutProbe, BitFlippedCopyThatTripsALdSoAssertion) {
  // DT_PLTREL must be DT_RELA on x86-64: ld.so asserts it, prints
  // "Inconsistency detected by ld.so" and exits 127.
  std::string bytes = DummyWithDynamicValue(DT_PLTREL, DT_RELA ^ 0xff);
  ASSERT_FALSE(bytes.empty()) << "Dummy.so has no DT_PLTREL";
  std::string cut = TempPath("flipped.so");
  WriteBytes(cut, bytes);
  ExpectRefused(cut,
                "the loader exited with code 127 while loading it (it said: Inconsistency "
                "detected by ld.so: ");
}

TEST(CutProbe, BitFlippedFiniThatWouldCrashTheEndOfTheRun) {
  std::string bytes = DummyWithDynamicValue(DT_FINI, 0x7ff0'0000'0000);
  ASSERT_FALSE(bytes.empty()) << "Dummy.so has no DT_FINI";
  std::string cut = TempPath("fini.so");
  WriteBytes(cut, bytes);
  ExpectRefused(cut, "the loader died of SIGSEGV while unloading it");
}

TEST(CutProbe, ConstructorThatRaisesSigsegv) {
  ExpectRefused(TestCut("CrashOnLoad.so"), "the loader died of SIGSEGV");
}

TEST(CutProbe, DestructorThatRaisesSigsegv) {
  ExpectRefused(TestCut("CrashOnUnload.so"),
                "the loader died of SIGSEGV while unloading it (in a static destructor?)");
}

// The one test that waits for the bound (cut/probe.h, kProbeTimeout).
TEST(CutProbe, ConstructorThatHangsIsKilledAfterTenSeconds) {
  ExpectRefused(TestCut("HangOnLoad.so"),
                "the loader did not finish within 10 s (a static constructor that hangs?); it "
                "was killed",
                60);
}

TEST(CutProbe, EmptyFile) {
  std::string cut = TempPath("empty.so");
  WriteBytes(cut, "");
  ExpectRefused(cut, "empty file");
}

TEST(CutProbe, TextFileNamedSo) {
  std::string cut = TempPath("X.so");
  WriteBytes(cut, "this is not a library\n");
  ExpectRefused(cut, "not an ELF file (it does not start with the ELF magic number)");
}

TEST(CutProbe, SoundCutStillRuns) {
  auto r = RunPylogen({SampleCut("Dummy"), "--loops", "1", "--extra", R"({"sleep":0})"}, 30);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

}  // namespace
}  // namespace pylogen::testing
