// The CUT probe (issue 10, item 2): a CUT file is loaded first in a
// short-lived child, so that a damaged library that crashes ld.so or its own
// static constructors kills the probe, not pylogen, and pylogen says so in
// one line ("the loader died of SIGBUS") instead of dying without a word.
//
// Supervisor process, before anything else is forked; called by
// LoadedCut::LoadFile after the ELF checks (cut/elf_check.h) pass, before the
// supervisor's own dlopen(). The probe is forked, dlopen()s the file with
// RTLD_NOW, looks up and reads the CUT descriptor, runs the library's
// termination functions and static destructors (which pylogen runs when it
// exits), reports each stage through a pipe and _exit()s. Its stdout goes to /dev/null and its
// stderr into a pipe: ld.so's "Inconsistency detected by ld.so: ..." never reaches the user raw; at
// most an excerpt of its first line (util::Excerpt) ends up in the message.
//
// Ownership: ProbeLoad owns the child for its whole life, and reaps it
// whatever happens (a child still running at the bound is SIGKILLed, then
// reaped): it leaves no zombie and no process behind. It waits with
// waitpid(pid) on that pid only, never on -1 nor sigwait: a SIGCHLD (or
// SIGINT, SIGTERM) that arrives meanwhile stays pending for the supervisor,
// which blocks them from main() on. The probe inherits that mask, so a
// Ctrl-C does not kill it either; it dies with pylogen (PR_SET_PDEATHSIG).
//
// A dlopen() that fails cleanly (dlerror), a library without a descriptor or
// with another ABI are not the probe's to judge: it reports "loaded and came
// back", and the supervisor's dlopen() gives the usual messages.
#ifndef PYLOGEN_CUT_PROBE_H_
#define PYLOGEN_CUT_PROBE_H_

#include <chrono>
#include <expected>
#include <filesystem>
#include <string>

namespace pylogen::cut {

// How long a probe may take: loading a CUT is milliseconds; a static
// constructor still running after this is taken to hang, and killed.
inline constexpr std::chrono::milliseconds kProbeTimeout{10'000};

// Loads `path` in a child bounded by `timeout`. Nothing when the child's
// dlopen() and descriptor lookup came back; otherwise the reason, a clause
// for "X is not a loadable CUT: ...":
//   "the loader died of SIGBUS"
//   "the loader exited with code 127 while loading it (it said: Inconsistency detected by ld.so:
//   ...)" "the loader died of SIGSEGV while unloading it (in a static destructor?)" "the loader did
//   not finish within 10 s (a static constructor that hangs?); it was killed" "cannot start the
//   loader: fork: Resource temporarily unavailable"
std::expected<void, std::string> ProbeLoad(const std::filesystem::path& path,
                                           std::chrono::milliseconds timeout = kProbeTimeout);

}  // namespace pylogen::cut

#endif  // PYLOGEN_CUT_PROBE_H_
