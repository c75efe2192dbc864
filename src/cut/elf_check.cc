#include "cut/elf_check.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "util/input_file.h"
#include "util/unique_fd.h"

namespace pylogen::cut {
namespace {

// pylogen is a 64-bit program: its CUTs are ELF64 files.
static_assert(sizeof(void*) == 8, "the CUT checks read ELF64 headers");

const char* MachineName(std::uint16_t machine) {
  switch (machine) {
    case EM_386:
      return "x86";
    case EM_X86_64:
      return "x86-64";
    case EM_ARM:
      return "ARM";
    case EM_AARCH64:
      return "AArch64";
    case EM_RISCV:
      return "RISC-V";
    case EM_PPC:
      return "PowerPC";
    case EM_PPC64:
      return "PowerPC64";
    case EM_S390:
      return "S/390";
    case EM_MIPS:
      return "MIPS";
    case EM_SPARCV9:
      return "SPARC V9";
    case 258:
      return "LoongArch";
    default:
      return nullptr;
  }
}

std::string Machine(std::uint16_t machine) {
  const char* name = MachineName(machine);
  return name != nullptr ? fmt::format("{} ({})", machine, name) : std::to_string(machine);
}

std::string TypeProblem(std::uint16_t type) {
  switch (type) {
    case ET_EXEC:
      return "an ELF executable, not a shared object (build a CUT as a MODULE library)";
    case ET_REL:
      return "an ELF relocatable object (.o), not a shared object (link it into a MODULE library)";
    case ET_CORE:
      return "an ELF core dump, not a shared object";
    default:
      return fmt::format("an ELF file of type {}, not a shared object", type);
  }
}

std::string Truncated(std::uint64_t size, std::uint64_t needed) {
  return fmt::format("truncated ELF file ({} of {} bytes)", size, needed);
}

// a + b * c, or nullopt when it overflows 64 bits.
std::optional<std::uint64_t> End(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::uint64_t product = 0;
  std::uint64_t sum = 0;
  if (__builtin_mul_overflow(b, c, &product) || __builtin_add_overflow(a, product, &sum)) {
    return std::nullopt;
  }
  return sum;
}

constexpr unsigned char kHostData =
    std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;

// The checks of e_ident: magic, class, byte order, version.
std::expected<void, std::string> CheckIdent(std::span<const unsigned char> head) {
  if (head.size() < SELFMAG || std::memcmp(head.data(), ELFMAG, SELFMAG) != 0) {
    return std::unexpected("not an ELF file (it does not start with the ELF magic number)");
  }
  if (head.size() < EI_NIDENT) return std::unexpected(Truncated(head.size(), sizeof(Elf64_Ehdr)));
  if (head[EI_CLASS] == ELFCLASS32) {
    return std::unexpected("a 32-bit ELF file; this pylogen is 64-bit");
  }
  if (head[EI_CLASS] != ELFCLASS64) {
    return std::unexpected(fmt::format("an ELF file of unknown class {}", head[EI_CLASS]));
  }
  if (head[EI_DATA] != kHostData) {
    bool big = head[EI_DATA] == ELFDATA2MSB;
    bool little = head[EI_DATA] == ELFDATA2LSB;
    if (!big && !little) {
      return std::unexpected(fmt::format("an ELF file of unknown byte order {}", head[EI_DATA]));
    }
    return std::unexpected(fmt::format("a {}-endian ELF file; this machine is {}-endian",
                                       big ? "big" : "little", big ? "little" : "big"));
  }
  if (head[EI_VERSION] != EV_CURRENT) {
    return std::unexpected(fmt::format("an ELF file of unknown version {}", head[EI_VERSION]));
  }
  return {};
}

// The sizes an ELF64 header states for itself and its tables.
std::expected<void, std::string> CheckEntrySizes(const Elf64_Ehdr& h) {
  auto corrupt = [](const char* field, unsigned got, std::size_t want) {
    return std::unexpected(
        fmt::format("corrupt ELF header ({} is {}, an ELF64 file has {})", field, got, want));
  };
  if (h.e_ehsize != sizeof(Elf64_Ehdr)) return corrupt("e_ehsize", h.e_ehsize, sizeof(Elf64_Ehdr));
  if (h.e_phentsize != sizeof(Elf64_Phdr)) {
    return corrupt("e_phentsize", h.e_phentsize, sizeof(Elf64_Phdr));
  }
  if (h.e_shnum != 0 && h.e_shentsize != sizeof(Elf64_Shdr)) {
    return corrupt("e_shentsize", h.e_shentsize, sizeof(Elf64_Shdr));
  }
  return {};
}

}  // namespace

std::uint16_t ThisMachine() {
#if defined(__x86_64__)
  return EM_X86_64;
#elif defined(__aarch64__)
  return EM_AARCH64;
#elif defined(__riscv) && __riscv_xlen == 64
  return EM_RISCV;
#elif defined(__powerpc64__)
  return EM_PPC64;
#elif defined(__s390x__)
  return EM_S390;
#elif defined(__loongarch64)
  return 258;  // EM_LOONGARCH
#else
  return 0;
#endif
}

std::expected<ElfLayout, std::string> CheckElfHeader(std::span<const unsigned char> head,
                                                     std::uint64_t file_size,
                                                     std::uint16_t machine) {
  if (file_size == 0) return std::unexpected("empty file");
  if (auto ident = CheckIdent(head); !ident) return std::unexpected(ident.error());
  if (head.size() < sizeof(Elf64_Ehdr)) {
    return std::unexpected(Truncated(file_size, sizeof(Elf64_Ehdr)));
  }
  Elf64_Ehdr h;
  std::memcpy(&h, head.data(), sizeof h);  // this byte order, checked above
  if (h.e_type != ET_DYN) return std::unexpected(TypeProblem(h.e_type));
  if (machine != 0 && h.e_machine != machine) {
    return std::unexpected(fmt::format("an ELF file for machine {}; this pylogen runs on {}",
                                       Machine(h.e_machine), Machine(machine)));
  }
  if (auto sizes = CheckEntrySizes(h); !sizes) return std::unexpected(sizes.error());
  if (h.e_phnum == 0 || h.e_phnum == PN_XNUM) {
    return std::unexpected(
        fmt::format("corrupt ELF header ({} program headers: ld.so cannot map it)", h.e_phnum));
  }
  auto ph_end = End(h.e_phoff, h.e_phnum, sizeof(Elf64_Phdr));
  auto sh_end = End(h.e_shoff, h.e_shnum, sizeof(Elf64_Shdr));
  if (!ph_end || !sh_end) {
    return std::unexpected("corrupt ELF header (a header table's offset is beyond 2^64)");
  }
  ElfLayout layout{h.e_phoff, h.e_phnum, std::max(*ph_end, h.e_shnum != 0 ? *sh_end : 0),
                   h.e_shnum != 0};
  if (layout.tables_end > file_size)
    return std::unexpected(Truncated(file_size, layout.tables_end));
  return layout;
}

std::expected<void, std::string> CheckSegments(std::span<const unsigned char> table,
                                               const ElfLayout& layout, std::uint64_t file_size) {
  if (table.size() < std::size_t{layout.phnum} * sizeof(Elf64_Phdr)) {
    return std::unexpected(Truncated(file_size, layout.tables_end));
  }
  std::uint64_t needed = layout.tables_end;
  for (std::size_t i = 0; i < layout.phnum; ++i) {
    Elf64_Phdr p;
    std::memcpy(&p, table.data() + i * sizeof p, sizeof p);
    auto end = End(p.p_offset, p.p_filesz, 1);
    if (!end) {
      return std::unexpected(
          fmt::format("corrupt program header {} (its offset and size overflow)", i));
    }
    if (p.p_type == PT_LOAD && p.p_filesz > p.p_memsz) {
      return std::unexpected(fmt::format(
          "corrupt program header {} (a segment of {} bytes in the file but {} in memory)", i,
          p.p_filesz, p.p_memsz));
    }
    // With its section headers in the file, the file is whole: the segment is wrong.
    if (*end > file_size && layout.has_sections) {
      return std::unexpected(fmt::format(
          "corrupt program header {} (its segment ends at byte {}, beyond the end of the "
          "file, {} bytes)",
          i, *end, file_size));
    }
    needed = std::max(needed, *end);
  }
  if (needed > file_size) return std::unexpected(Truncated(file_size, needed));
  return {};
}

namespace {

// Reads exactly `out.size()` bytes at `offset`; fewer only at the end of the file.
std::expected<std::size_t, std::string> ReadAt(int fd, std::span<unsigned char> out,
                                               std::uint64_t offset) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(fmt::format("cannot be read: {}", std::strerror(errno)));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

std::expected<void, std::string> CheckElfFile(const std::filesystem::path& path) {
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return std::unexpected(fmt::format("cannot be read: {}", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return std::unexpected(fmt::format("cannot be read: {}", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return std::unexpected(fmt::format("it is {}, not a file", util::KindOf(st.st_mode)));
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  unsigned char head[sizeof(Elf64_Ehdr)];
  auto got = ReadAt(fd.get(), head, 0);
  if (!got) return std::unexpected(got.error());
  auto layout = CheckElfHeader(std::span(head, *got), size, ThisMachine());
  if (!layout) return std::unexpected(layout.error());
  std::vector<unsigned char> table(std::size_t{layout->phnum} * sizeof(Elf64_Phdr));
  got = ReadAt(fd.get(), table, layout->phoff);
  if (!got) return std::unexpected(got.error());
  return CheckSegments(std::span(table.data(), *got), *layout, size);
}

}  // namespace pylogen::cut
