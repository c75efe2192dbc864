// Checking that a CUT file is an ELF shared object of this machine before
// ld.so is let near it (issue 10, item 2). ld.so trusts what it maps: a
// truncated library dies of SIGBUS when a segment beyond the end of the file
// is touched, a library of another machine or class is refused with a
// cryptic text. These checks say what is wrong in one clause ("truncated ELF
// file (4096 of 17280 bytes)"), which the loader prefixes with
// "X is not a loadable CUT: ".
//
// Supervisor process, before any fork (the CUT probe of cut/probe.h runs
// after these checks pass). CheckElfHeader and CheckSegments are pure (bytes
// in, verdict out); CheckElfFile reads the file with pread, never mmap (a
// file truncated under it would SIGBUS this process), and never blocks (a
// FIFO is refused from fstat, opened O_NONBLOCK).
#ifndef PYLOGEN_CUT_ELF_CHECK_H_
#define PYLOGEN_CUT_ELF_CHECK_H_

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>

namespace pylogen::cut {

// The e_machine of this build (EM_X86_64, EM_AARCH64, ...); 0 on a machine
// this table does not know, whose files are then not checked for it.
std::uint16_t ThisMachine();

// Where the program header table is, and how far into the file the ELF
// header says the file must reach (the end of its furthest header table).
struct ElfLayout {
  std::uint64_t phoff = 0;
  std::uint16_t phnum = 0;
  std::uint64_t tables_end = 0;
  bool has_sections = false;  // a section header table, which linkers write last
};

// The ELF header check: `head` holds the file's first bytes (up to 64, fewer
// only when the file is shorter), `file_size` the whole file's size. Requires
// ELF magic, ELFCLASS64, this byte order, EV_CURRENT, ET_DYN, e_machine ==
// `machine` (unless 0), the header sizes of ELF64, at least one program
// header, and both header tables inside the file.
std::expected<ElfLayout, std::string> CheckElfHeader(std::span<const unsigned char> head,
                                                     std::uint64_t file_size,
                                                     std::uint16_t machine);

// The program header table check: `table` holds layout.phnum entries; every
// segment's file bytes (p_offset + p_filesz) lie inside the file, and a
// loadable segment holds no more file bytes than memory (p_filesz <= p_memsz).
// A segment beyond the end is a truncated file, unless the section header
// table (written last) is inside the file: then the program header is corrupt.
std::expected<void, std::string> CheckSegments(std::span<const unsigned char> table,
                                               const ElfLayout& layout, std::uint64_t file_size);

// Both checks on the file at `path`, after it is found to be a readable
// regular file ("is a directory", "cannot be read: Permission denied").
std::expected<void, std::string> CheckElfFile(const std::filesystem::path& path);

}  // namespace pylogen::cut

#endif  // PYLOGEN_CUT_ELF_CHECK_H_
