#include "cut/loader.h"

#include <dlfcn.h>
#include <limits.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "cut/elf_check.h"
#include "cut/probe.h"
#include "util/excerpt.h"

namespace pylogen::cut {
namespace fs = std::filesystem;
namespace {

// dlerror() names the file, then what is wrong: room for a long path.
constexpr std::size_t kMaxDlerrorBytes = 400;

// "cuts.Dummy" (Pylogen's Python module spelling) means "cuts/Dummy".
std::string Normalize(std::string_view name) {
  std::string text(name);
  if (text.find('/') == std::string::npos && !text.ends_with(".so")) {
    std::replace(text.begin(), text.end(), '.', '/');
  }
  return text;
}

void AddUnique(std::vector<fs::path>& out, const fs::path& path) {
  if (std::find(out.begin(), out.end(), path) == out.end()) out.push_back(path);
}

// X, X.so, dir/libX.so under `base`.
void AddNameForms(std::vector<fs::path>& out, const fs::path& base, const fs::path& name) {
  fs::path full = name.is_absolute() ? name : base / name;
  AddUnique(out, full);
  if (full.extension() != ".so") {
    AddUnique(out, fs::path(full.string() + ".so"));
    AddUnique(out, full.parent_path() / ("lib" + full.filename().string() + ".so"));
  }
}

fs::path ExecutableDir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

SearchPaths DefaultSearchPaths() {
  SearchPaths paths;
  std::error_code ec;
  paths.cwd = fs::current_path(ec);
  if (const char* env = std::getenv("PYLOGEN_CUT_PATH")) {
    std::string_view text(env);
    while (!text.empty()) {
      std::size_t colon = text.find(':');
      std::string_view folder = text.substr(0, colon);
      if (!folder.empty()) paths.env.emplace_back(folder);
      if (colon == std::string_view::npos) break;
      text.remove_prefix(colon + 1);
    }
  }
  fs::path exe_dir = ExecutableDir();
  if (!exe_dir.empty()) {
    paths.own.push_back(exe_dir / "cuts");
    paths.own.push_back((exe_dir / ".." / PYLOGEN_CUT_INSTALL_DIR).lexically_normal());
  }
  return paths;
}

std::vector<fs::path> Candidates(std::string_view name, const SearchPaths& paths) {
  fs::path cut = Normalize(name);
  std::vector<fs::path> out;
  AddNameForms(out, paths.cwd, cut);
  if (cut.is_absolute()) return out;
  fs::path base = cut.filename();
  for (const auto& folder : paths.env) {
    AddNameForms(out, folder, cut);
    AddNameForms(out, folder, base);
  }
  for (const auto& folder : paths.own) AddNameForms(out, folder, base);
  return out;
}

void LoadedCut::Closer::operator()(void* handle) const { dlclose(handle); }

std::string LoadedCut::name() const {
  std::string stem = path_.stem().string();
  if (stem.starts_with("lib") && stem.size() > 3) stem.erase(0, 3);
  return stem;
}

std::expected<fs::path, std::string> Find(std::string_view name, const SearchPaths& paths) {
  // No file can have such a name: said without listing places that would
  // each repeat it.
  bool too_long = name.size() >= PATH_MAX;
  for (const fs::path& part : fs::path(name)) too_long = too_long || part.native().size() > NAME_MAX;
  if (too_long) {
    return std::unexpected(fmt::format("CUT '{}' not found: a name longer than a file name may be",
                                       util::Excerpt(name)));
  }
  std::vector<fs::path> tried = Candidates(name, paths);
  for (const auto& file : tried) {
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) return fs::absolute(file, ec);
  }
  std::string places;
  for (const auto& file : tried) places += (places.empty() ? "" : ", ") + file.string();
  return std::unexpected(fmt::format("CUT '{}' not found (tried {})", name, places));
}

std::expected<LoadedCut, std::string> LoadedCut::Load(std::string_view name,
                                                      const SearchPaths& paths) {
  auto file = Find(name, paths);
  if (!file) return std::unexpected(file.error());
  return LoadFile(*file);
}

std::expected<LoadedCut, std::string> LoadedCut::LoadFile(const fs::path& file) {
  std::error_code ec;
  fs::path absolute = fs::absolute(file, ec);
  // Checked, then loaded once in a child: a file that would crash ld.so (or
  // whose constructors crash) must not take pylogen down with it.
  auto trusted = CheckElfFile(absolute);
  if (trusted) trusted = ProbeLoad(absolute);
  if (!trusted) {
    return std::unexpected(
        fmt::format("{} is not a loadable CUT: {}", absolute.string(), trusted.error()));
  }
  dlerror();
  std::unique_ptr<void, Closer> handle(dlopen(absolute.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle) {
    // dlerror() may quote a damaged file's bytes: one line, of bounded length.
    return std::unexpected(fmt::format("cannot load CUT {}: {}", absolute.string(),
                                       util::Excerpt(dlerror(), kMaxDlerrorBytes)));
  }
  auto* descriptor =
      static_cast<const CutDescriptor*>(dlsym(handle.get(), kDescriptorSymbol));
  if (descriptor == nullptr) {
    return std::unexpected(fmt::format(
        "{} is not a pylogen CUT: it has no '{}' symbol (a CUT registers its class with "
        "PYLOGEN_REGISTER_CUT)",
        absolute.string(), kDescriptorSymbol));
  }
  if (descriptor->abi_version != kAbiVersion) {
    return std::unexpected(fmt::format(
        "{} was built for pylogen CUT ABI version {}, this pylogen uses version {}: rebuild "
        "the CUT against this pylogen's SDK",
        absolute.string(), descriptor->abi_version, kAbiVersion));
  }
  if (descriptor->layout != LayoutFingerprint()) {
    return std::unexpected(fmt::format(
        "{} was built with another layout of the SDK types (other compiler, standard library "
        "or nlohmann_json version): rebuild the CUT against this pylogen's SDK",
        absolute.string()));
  }
  bool event = descriptor->kind == CutKind::kEvent;
  bool factory = event ? descriptor->create_event != nullptr && descriptor->destroy_event != nullptr
                       : descriptor->kind == CutKind::kBlocking && descriptor->create != nullptr &&
                             descriptor->destroy != nullptr;
  if (!factory) {
    return std::unexpected(fmt::format("{}: its CUT descriptor has no factory", absolute.string()));
  }
  return LoadedCut(std::move(handle), descriptor, absolute);
}

}  // namespace pylogen::cut
