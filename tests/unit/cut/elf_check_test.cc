#include "cut/elf_check.h"

#include <elf.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace pylogen::cut {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

constexpr std::uint16_t kMachine = EM_X86_64;  // the machine the made-up files are for

// A made-up, valid ELF header: 2 program headers right after it, 3 section
// headers at byte 1000, so a file of 1192 bytes.
Elf64_Ehdr GoodHeader() {
  Elf64_Ehdr h{};
  std::memcpy(h.e_ident, ELFMAG, SELFMAG);
  h.e_ident[EI_CLASS] = ELFCLASS64;
  h.e_ident[EI_DATA] = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
  h.e_ident[EI_VERSION] = EV_CURRENT;
  h.e_type = ET_DYN;
  h.e_machine = kMachine;
  h.e_version = EV_CURRENT;
  h.e_ehsize = sizeof(Elf64_Ehdr);
  h.e_phoff = sizeof(Elf64_Ehdr);
  h.e_phentsize = sizeof(Elf64_Phdr);
  h.e_phnum = 2;
  h.e_shoff = 1000;
  h.e_shentsize = sizeof(Elf64_Shdr);
  h.e_shnum = 3;
  return h;
}
constexpr std::uint64_t kGoodSize = 1000 + 3 * sizeof(Elf64_Shdr);

Bytes BytesOf(const Elf64_Ehdr& h) {
  const auto* p = reinterpret_cast<const unsigned char*>(&h);
  return Bytes(p, p + sizeof h);
}

struct HeaderCase {
  const char* name;
  std::function<void(Elf64_Ehdr&)> damage;
  std::uint64_t file_size;
  const char* expected;  // the whole reason
};

class ElfHeaderTest : public ::testing::TestWithParam<HeaderCase> {};

TEST_P(ElfHeaderTest, RefusedWithItsReason) {
  const HeaderCase& c = GetParam();
  Elf64_Ehdr h = GoodHeader();
  c.damage(h);
  auto layout = CheckElfHeader(BytesOf(h), c.file_size, kMachine);
  ASSERT_FALSE(layout.has_value());
  EXPECT_EQ(layout.error(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ElfHeaderTest,
    ::testing::Values(
        HeaderCase{"NotElf", [](Elf64_Ehdr& h) { std::memcpy(h.e_ident, "#!/b", 4); }, kGoodSize,
                   "not an ELF file (it does not start with the ELF magic number)"},
        HeaderCase{"Class32", [](Elf64_Ehdr& h) { h.e_ident[EI_CLASS] = ELFCLASS32; }, kGoodSize,
                   "a 32-bit ELF file; this pylogen is 64-bit"},
        HeaderCase{"ClassUnknown", [](Elf64_Ehdr& h) { h.e_ident[EI_CLASS] = 7; }, kGoodSize,
                   "an ELF file of unknown class 7"},
        HeaderCase{"OtherByteOrder",
                   [](Elf64_Ehdr& h) {
                     h.e_ident[EI_DATA] =
                         std::endian::native == std::endian::little ? ELFDATA2MSB : ELFDATA2LSB;
                   },
                   kGoodSize,
                   std::endian::native == std::endian::little
                       ? "a big-endian ELF file; this machine is little-endian"
                       : "a little-endian ELF file; this machine is big-endian"},
        HeaderCase{"ByteOrderUnknown", [](Elf64_Ehdr& h) { h.e_ident[EI_DATA] = 9; }, kGoodSize,
                   "an ELF file of unknown byte order 9"},
        HeaderCase{"VersionUnknown", [](Elf64_Ehdr& h) { h.e_ident[EI_VERSION] = 2; }, kGoodSize,
                   "an ELF file of unknown version 2"},
        HeaderCase{"Executable", [](Elf64_Ehdr& h) { h.e_type = ET_EXEC; }, kGoodSize,
                   "an ELF executable, not a shared object (build a CUT as a MODULE library)"},
        HeaderCase{"ObjectFile", [](Elf64_Ehdr& h) { h.e_type = ET_REL; }, kGoodSize,
                   "an ELF relocatable object (.o), not a shared object (link it into a MODULE "
                   "library)"},
        HeaderCase{"CoreDump", [](Elf64_Ehdr& h) { h.e_type = ET_CORE; }, kGoodSize,
                   "an ELF core dump, not a shared object"},
        HeaderCase{"OtherMachine", [](Elf64_Ehdr& h) { h.e_machine = EM_AARCH64; }, kGoodSize,
                   "an ELF file for machine 183 (AArch64); this pylogen runs on 62 (x86-64)"},
        HeaderCase{"UnknownMachine", [](Elf64_Ehdr& h) { h.e_machine = 4242; }, kGoodSize,
                   "an ELF file for machine 4242; this pylogen runs on 62 (x86-64)"},
        HeaderCase{"HeaderSize", [](Elf64_Ehdr& h) { h.e_ehsize = 52; }, kGoodSize,
                   "corrupt ELF header (e_ehsize is 52, an ELF64 file has 64)"},
        HeaderCase{"ProgramHeaderSize", [](Elf64_Ehdr& h) { h.e_phentsize = 57; }, kGoodSize,
                   "corrupt ELF header (e_phentsize is 57, an ELF64 file has 56)"},
        HeaderCase{"SectionHeaderSize", [](Elf64_Ehdr& h) { h.e_shentsize = 40; }, kGoodSize,
                   "corrupt ELF header (e_shentsize is 40, an ELF64 file has 64)"},
        HeaderCase{"NoProgramHeaders", [](Elf64_Ehdr& h) { h.e_phnum = 0; }, kGoodSize,
                   "corrupt ELF header (0 program headers: ld.so cannot map it)"},
        HeaderCase{"ExtendedProgramHeaderCount", [](Elf64_Ehdr& h) { h.e_phnum = PN_XNUM; },
                   kGoodSize, "corrupt ELF header (65535 program headers: ld.so cannot map it)"},
        HeaderCase{"TableOffsetOverflows", [](Elf64_Ehdr& h) { h.e_shoff = ~std::uint64_t{0}; },
                   kGoodSize, "corrupt ELF header (a header table's offset is beyond 2^64)"},
        // head -c 4096 of a library: its section headers (written last) are cut off.
        HeaderCase{"SectionHeadersCutOff", [](Elf64_Ehdr&) {}, 1100,
                   "truncated ELF file (1100 of 1192 bytes)"},
        HeaderCase{"ProgramHeadersCutOff",
                   [](Elf64_Ehdr& h) {
                     h.e_shnum = 0;
                     h.e_phnum = 20;
                   },
                   500, "truncated ELF file (500 of 1184 bytes)"},
        HeaderCase{"Empty", [](Elf64_Ehdr&) {}, 0, "empty file"}),
    [](const ::testing::TestParamInfo<HeaderCase>& info) { return info.param.name; });

TEST(ElfHeaderCheck, GoodHeaderGivesItsTables) {
  auto layout = CheckElfHeader(BytesOf(GoodHeader()), kGoodSize, kMachine);
  ASSERT_TRUE(layout.has_value()) << layout.error();
  EXPECT_EQ(layout->phoff, sizeof(Elf64_Ehdr));
  EXPECT_EQ(layout->phnum, 2);
  EXPECT_EQ(layout->tables_end, kGoodSize);
  EXPECT_TRUE(layout->has_sections);
}

TEST(ElfHeaderCheck, MachineZeroIsNotChecked) {
  Elf64_Ehdr h = GoodHeader();
  h.e_machine = EM_AARCH64;
  EXPECT_TRUE(CheckElfHeader(BytesOf(h), kGoodSize, 0).has_value());
}

TEST(ElfHeaderCheck, ShortFiles) {
  Bytes good = BytesOf(GoodHeader());
  auto three = CheckElfHeader(std::span(good.data(), 3), 3, kMachine);
  EXPECT_EQ(three.error(), "not an ELF file (it does not start with the ELF magic number)");
  auto ident = CheckElfHeader(std::span(good.data(), 10), 10, kMachine);
  EXPECT_EQ(ident.error(), "truncated ELF file (10 of 64 bytes)");
  auto forty = CheckElfHeader(std::span(good.data(), 40), 40, kMachine);
  EXPECT_EQ(forty.error(), "truncated ELF file (40 of 64 bytes)");
}

TEST(ElfHeaderCheck, NoSectionHeadersIsFine) {
  Elf64_Ehdr h = GoodHeader();
  h.e_shnum = 0;
  h.e_shoff = 0;
  h.e_shentsize = 0;
  auto layout = CheckElfHeader(BytesOf(h), 64 + 2 * 56, kMachine);
  ASSERT_TRUE(layout.has_value()) << layout.error();
  EXPECT_FALSE(layout->has_sections);
  EXPECT_EQ(layout->tables_end, 64u + 2 * 56);
}

// The machine this test binary was built for, read from its own ELF header:
// the same on every architecture.
TEST(ElfHeaderCheck, ThisMachineIsTheBuildsOwn) {
  std::ifstream self("/proc/self/exe", std::ios::binary);
  Elf64_Ehdr own{};
  ASSERT_TRUE(self.read(reinterpret_cast<char*>(&own), sizeof own));
  EXPECT_EQ(ThisMachine(), own.e_machine);
}

// Program header tables, made up.
Bytes Table(std::vector<Elf64_Phdr> entries) {
  Bytes out(entries.size() * sizeof(Elf64_Phdr));
  std::memcpy(out.data(), entries.data(), out.size());
  return out;
}

Elf64_Phdr Load(std::uint64_t offset, std::uint64_t filesz, std::uint64_t memsz) {
  Elf64_Phdr p{};
  p.p_type = PT_LOAD;
  p.p_offset = offset;
  p.p_filesz = filesz;
  p.p_memsz = memsz;
  return p;
}

TEST(ElfSegmentsCheck, SegmentsInsideTheFilePass) {
  ElfLayout layout{64, 2, 1192, true};
  auto ok = CheckSegments(Table({Load(0, 700, 700), Load(700, 300, 4096)}), layout, 1192);
  EXPECT_TRUE(ok.has_value()) << ok.error();
}

TEST(ElfSegmentsCheck, SegmentBeyondAWholeFileIsACorruptHeader) {
  ElfLayout layout{64, 2, 1192, true};
  auto bad = CheckSegments(Table({Load(0, 700, 700), Load(700, 3000, 4096)}), layout, 1192);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(),
            "corrupt program header 1 (its segment ends at byte 3700, beyond the end of the file, "
            "1192 bytes)");
}

TEST(ElfSegmentsCheck, SegmentBeyondAFileWithoutSectionsIsATruncation) {
  ElfLayout layout{64, 1, 120, false};
  auto bad = CheckSegments(Table({Load(0, 5000, 5000)}), layout, 4096);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "truncated ELF file (4096 of 5000 bytes)");
}

TEST(ElfSegmentsCheck, MoreFileBytesThanMemoryIsCorrupt) {
  ElfLayout layout{64, 1, 1192, true};
  auto bad = CheckSegments(Table({Load(0, 700, 600)}), layout, 1192);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(),
            "corrupt program header 0 (a segment of 700 bytes in the file but 600 in memory)");
}

TEST(ElfSegmentsCheck, OffsetOverflowIsCorrupt) {
  ElfLayout layout{64, 1, 1192, true};
  auto bad = CheckSegments(Table({Load(~std::uint64_t{0}, 2, 2)}), layout, 1192);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "corrupt program header 0 (its offset and size overflow)");
}

TEST(ElfSegmentsCheck, TableShorterThanItsCountIsATruncation) {
  ElfLayout layout{64, 3, 232, false};
  auto bad = CheckSegments(Table({Load(0, 10, 10)}), layout, 120);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "truncated ELF file (120 of 232 bytes)");
}

// The file-level check, on real files.
class ElfFileTest : public ::testing::Test {
 protected:
  ElfFileTest() {
    std::string pattern = (fs::path(::testing::TempDir()) / "pylogen_elf_XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
  }
  ~ElfFileTest() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
  const fs::path dummy_ = fs::path(PYLOGEN_SAMPLE_CUT_DIR) / "Dummy.so";
};

TEST_F(ElfFileTest, RealCutPasses) {
  auto ok = CheckElfFile(dummy_);
  EXPECT_TRUE(ok.has_value()) << ok.error();
}

TEST_F(ElfFileTest, TruncatedCopyNamesBothSizes) {
  std::ifstream in(dummy_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 4096u);
  fs::path cut = dir_ / "t.so";
  std::ofstream(cut, std::ios::binary).write(bytes.data(), 4096);
  auto bad = CheckElfFile(cut);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "truncated ELF file (4096 of " + std::to_string(bytes.size()) + " bytes)");
}

TEST_F(ElfFileTest, DirectoryAndFifoAreNotFiles) {
  auto dir = CheckElfFile(dir_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error(), "it is a directory, not a file");
  fs::path fifo = dir_ / "f.so";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto pipe = CheckElfFile(fifo);  // must not block: nobody writes it
  ASSERT_FALSE(pipe.has_value());
  EXPECT_EQ(pipe.error(), "it is a FIFO, not a file");
}

TEST_F(ElfFileTest, MissingFileCannotBeRead) {
  auto bad = CheckElfFile(dir_ / "none.so");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), "cannot be read: No such file or directory");
}

}  // namespace
}  // namespace pylogen::cut
