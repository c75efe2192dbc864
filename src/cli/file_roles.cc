#include "cli/file_roles.h"

#include <sys/stat.h>

#include <filesystem>

#include <fmt/format.h>

#include "util/excerpt.h"

namespace pylogen::cli {
namespace {

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  // Absolute first: weakly_canonical leaves a relative path whose first
  // component does not exist relative ("o.txt" against "sub/../o.txt").
  std::error_code ea, eb;
  auto ca = std::filesystem::weakly_canonical(std::filesystem::absolute(a, ea), ea);
  auto cb = std::filesystem::weakly_canonical(std::filesystem::absolute(b, eb), eb);
  return !ea && !eb && ca == cb;
}

}  // namespace

std::optional<std::string> SameFileInTwoRoles(const std::vector<FileRole>& files) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (std::size_t j = i + 1; j < files.size(); ++j) {
      const FileRole& a = files[i];
      const FileRole& b = files[j];
      if (a.path.empty() || b.path.empty() || !(a.written || b.written)) continue;
      if (!SameFile(a.path, b.path)) continue;
      return fmt::format("{} '{}' is the same file as {} '{}': each needs a file of its own", b.role,
                         util::Excerpt(b.path), a.role, util::Excerpt(a.path));
    }
  }
  return std::nullopt;
}

}  // namespace pylogen::cli
