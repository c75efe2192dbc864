// One file in two roles of a run — event lines and report, an output and the
// scenario file or a loaded CUT — is refused before anything is opened for
// writing: truncating it would destroy the other. Files are compared by
// device and inode when they exist (symlinks and `..` included), else by
// their canonical path.
#ifndef PYLOGEN_CLI_FILE_ROLES_H_
#define PYLOGEN_CLI_FILE_ROLES_H_

#include <optional>
#include <string>
#include <vector>

namespace pylogen::cli {

struct FileRole {
  std::string role;  // "--output", "--report", "--file", "the CUT"
  std::string path;  // empty: the role is not used
  bool written = false;  // an output: only it can clash (two loads may share one CUT)
};

// The first clash, as one line naming both roles; nothing when every file
// used has a role of its own.
std::optional<std::string> SameFileInTwoRoles(const std::vector<FileRole>& files);

}  // namespace pylogen::cli

#endif  // PYLOGEN_CLI_FILE_ROLES_H_
