// Finding and loading a CUT plugin (DESIGN §2, §8).
//
// Runs in the supervisor, before any fork: the handle stays open for the
// whole run and every worker inherits the mapping, then creates its own
// instance through the descriptor. The ABI version and layout fingerprint are
// read from the descriptor, plain data, before any function of the plugin is
// called.
//
// A file is trusted only after two checks (issue 10): it must be an ELF
// shared object of this machine, whole (cut/elf_check.h), and it must load in
// a short-lived child first (cut/probe.h, the one process forked before the
// run, always reaped). Either failing gives "F is not a loadable CUT: why".
#ifndef PYLOGEN_CUT_LOADER_H_
#define PYLOGEN_CUT_LOADER_H_

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pylogen/cut.h"

namespace pylogen::cut {

struct SearchPaths {
  std::filesystem::path cwd;
  std::vector<std::filesystem::path> env;  // folders of $PYLOGEN_CUT_PATH
  std::vector<std::filesystem::path> own;  // pylogen's cut folders (next to the executable, install prefix)
};
// The places of the running executable and environment.
SearchPaths DefaultSearchPaths();

// Every file that may hold CUT `name`, in resolution order (first hit wins).
std::vector<std::filesystem::path> Candidates(std::string_view name, const SearchPaths& paths);

// The file Load would load for CUT `name` (absolute), or "CUT 'X' not found
// (tried ...)". Touches nothing but the file system's metadata.
std::expected<std::filesystem::path, std::string> Find(std::string_view name, const SearchPaths& paths);

// Owns a dlopen handle. Move-only; dlclose on destruction.
class LoadedCut {
 public:
  static std::expected<LoadedCut, std::string> Load(std::string_view name, const SearchPaths& paths);
  static std::expected<LoadedCut, std::string> LoadFile(const std::filesystem::path& file);

  const CutDescriptor& descriptor() const { return *descriptor_; }
  const std::filesystem::path& path() const { return path_; }
  // The CUT's short name: its file name without "lib" and ".so" ("Dummy").
  std::string name() const;

 private:
  struct Closer {
    void operator()(void* handle) const;
  };
  LoadedCut(std::unique_ptr<void, Closer> handle, const CutDescriptor* descriptor,
            std::filesystem::path path)
      : handle_(std::move(handle)), descriptor_(descriptor), path_(std::move(path)) {}
  std::unique_ptr<void, Closer> handle_;
  const CutDescriptor* descriptor_;
  std::filesystem::path path_;
};

}  // namespace pylogen::cut

#endif  // PYLOGEN_CUT_LOADER_H_
