// A table-driven black-box test of generated bad inputs over the real
// pylogen binary (issue 10, item 8): every option x classes of bad values,
// schedule grammar mutations, defaults files with each key x a wrong type,
// scenario files with bad lines, bad CUT names and damaged CUT files, and a
// regression case for every example of the issue's "Why" list.
//
// Each case runs pylogen as the first child of the init of a new pid
// namespace (RunCounted: needs root, CLONE_NEWPID; a case fails, never
// skips, when it cannot have one). Pids there are handed out in order, so
// the pid the init gets for a probe child after pylogen has exited tells how
// many tasks pylogen made; the init then reaps what is left. The contract of
// a bad input (DESIGN §7): exit 2, nothing on stdout, exactly one stderr line
// "pylogen: error: ..." naming the culprit(s) of the table, at most 1 KiB, no
// library text, within a 1 s kill timeout, nothing forked (a damaged CUT:
// at most its probe, reaped).
//
// The cases run in shards (GTEST_TOTAL_SHARDS, one ctest entry each).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace pylogen::testing {
namespace {

namespace fs = std::filesystem;

// ---- What a case is.

enum class Expect {
  kBadOption,  // exit 2, one line, nothing forked
  kBadCut,     // exit 2, one line, at most the CUT's probe forked (and reaped)
  kSetupError, // a CUT refusing its --extra: exit 2 or 3, one line, no library text
  kAccepted,   // good input that once misbehaved: exit 0
  kSignalled,  // blocks on purpose (a FIFO output): SIGTERM ends it promptly, only the probe forked
  kSilent,     // exit 2, nothing forked, stderr unwritable (/dev/full)
};

enum class FileKind { kText, kFifo, kDirectory, kSymlink, kDummyCopy, kDummyTruncated,
                      kDummyBadHeader, kDummyBadDynamic, kExecutable };

struct FileSpec {
  std::string path;     // relative to the case's directory
  FileKind kind = FileKind::kText;
  std::string content;  // kText: the bytes; kSymlink: the target
};

struct Case {
  std::string group;
  std::string label;
  std::vector<std::string> args;
  std::vector<std::string> culprits;  // each in the error line
  Expect expect = Expect::kBadOption;
  std::vector<FileSpec> files;
  std::string stderr_path;  // non-empty: pylogen's stderr goes there
  double timeout_s = 1;
  double sigterm_after_s = 0;  // > 0: SIGTERM to pylogen after this long
};

// ---- Running one case in a pid namespace.

struct Counted {
  std::string setup_error;  // non-empty: the namespace could not be had
  bool timed_out = false;
  int exit_code = -1;
  int term_signal = 0;
  long tasks = -1;       // tasks pylogen (and its descendants) created
  long leftovers = -1;   // processes of the namespace still there after pylogen
  std::string out, err;
};

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

void WriteAll(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) done += static_cast<std::size_t>(n);
  }
}

// pid 1 of the namespace: runs pylogen (pid 2), then counts.
[[noreturn]] void NamespaceInit(const Case& c, const std::string& dir, const std::string& asan,
                                int out_fd, int err_fd, int report_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  pid_t child = ::fork();
  if (child < 0) {
    WriteAll(report_fd, "E " + Errno("fork") + "\n");
    _exit(1);
  }
  if (child == 0) {
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    if (!c.stderr_path.empty()) {
      int fd = ::open(c.stderr_path.c_str(), O_WRONLY);
      if (fd < 0 || ::dup2(fd, 2) < 0) _exit(124);
    }
    if (::chdir(dir.c_str()) != 0) _exit(126);
    // LeakSanitizer's exit check clones a task, which would count as a fork.
    ::setenv("ASAN_OPTIONS", asan.c_str(), 1);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> argv;
    std::string binary = PYLOGEN_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> args = c.args;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    _exit(127);
  }
  ::close(out_fd);
  ::close(err_fd);
  int status = 0;
  if (c.sigterm_after_s > 0) {
    auto start = std::chrono::steady_clock::now();
    bool sent = false;
    while (::waitpid(child, &status, WNOHANG) != child) {
      double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!sent && elapsed >= c.sigterm_after_s) {
        ::kill(child, SIGTERM);
        sent = true;
      }
      ::usleep(2000);
    }
  } else {
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_t probe = ::fork();
  if (probe == 0) _exit(0);
  if (probe > 0) ::waitpid(probe, nullptr, 0);
  long tasks = probe > 0 ? probe - 3 : -1;  // 1: this init, 2: pylogen
  long leftovers = 0;
  while (true) {
    pid_t done = ::waitpid(-1, nullptr, WNOHANG);
    if (done > 0) {
      ++leftovers;  // an orphan that ended unreaped
    } else {
      if (done == 0) ++leftovers;  // still running
      break;
    }
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int signo = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  WriteAll(report_fd, "R " + std::to_string(code) + " " + std::to_string(signo) + " " +
                          std::to_string(tasks) + " " + std::to_string(leftovers) + "\n");
  _exit(0);
}

Counted RunCounted(const Case& c, const std::string& dir) {
  Counted result;
  const char* inherited = std::getenv("ASAN_OPTIONS");
  std::string asan = std::string(inherited != nullptr ? inherited : "") + ":detect_leaks=0";
  int out[2], err[2], report[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    result.setup_error = Errno("pipe2");
    return result;
  }
  pid_t outer = ::fork();
  if (outer == 0) {
    ::setpgid(0, 0);
    if (::unshare(CLONE_NEWPID) != 0) {
      WriteAll(report[1], "E " + Errno("unshare(CLONE_NEWPID) (the black-box table needs root)") + "\n");
      _exit(1);
    }
    pid_t init = ::fork();
    if (init == 0) NamespaceInit(c, dir, asan, out[1], err[1], report[1]);
    if (init < 0) WriteAll(report[1], "E " + Errno("fork of the namespace's init") + "\n");
    int status;
    while (init > 0 && ::waitpid(init, &status, 0) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  ::setpgid(outer, outer);
  ::close(out[1]);
  ::close(err[1]);
  ::close(report[1]);
  std::string reported;
  std::string* sinks[3] = {&result.out, &result.err, &reported};
  int fds[3] = {out[0], err[0], report[0]};
  bool open[3] = {true, true, true};
  auto start = std::chrono::steady_clock::now();
  while (open[0] || open[1] || open[2]) {
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result.timed_out && elapsed > c.timeout_s) {
      result.timed_out = true;
      ::kill(-outer, SIGKILL);  // the init with it: the kernel ends the whole namespace
    }
    pollfd polled[3];
    for (int i = 0; i < 3; ++i) polled[i] = {open[i] ? fds[i] : -1, POLLIN, 0};
    ::poll(polled, 3, 10);
    for (int i = 0; i < 3; ++i) {
      if (polled[i].revents == 0) continue;
      char buffer[65536];
      ssize_t n = ::read(fds[i], buffer, sizeof buffer);
      if (n > 0) {
        if (sinks[i]->size() < (4u << 20)) sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        open[i] = false;
      }
    }
  }
  for (int fd : fds) ::close(fd);
  ::waitpid(outer, nullptr, 0);
  if (reported.rfind("E ", 0) == 0) {
    result.setup_error = reported.substr(2);
  } else if (reported.rfind("R ", 0) == 0) {
    std::istringstream in(reported.substr(2));
    in >> result.exit_code >> result.term_signal >> result.tasks >> result.leftovers;
  } else if (!result.timed_out) {
    result.setup_error = "the namespace's init reported nothing";
  }
  return result;
}

// ---- Preparing a case's directory.

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

void Prepare(const FileSpec& f, const fs::path& dir) {
  fs::path path = dir / f.path;
  fs::create_directories(path.parent_path());
  static const std::string dummy = ReadBytes(SampleCut("Dummy.so"));
  switch (f.kind) {
    case FileKind::kText: WriteBytes(path, f.content); break;
    case FileKind::kFifo: ::mkfifo(path.c_str(), 0644); break;
    case FileKind::kDirectory: fs::create_directories(path); break;
    case FileKind::kSymlink: fs::create_symlink(f.content, path); break;
    case FileKind::kDummyCopy: WriteBytes(path, dummy); break;
    case FileKind::kDummyTruncated: WriteBytes(path, dummy.substr(0, 4096)); break;
    case FileKind::kDummyBadHeader: {
      std::string bytes = dummy;
      bytes[56] = '\xff';  // e_phnum: 0xffff program headers past the end of the file
      bytes[57] = '\xff';
      WriteBytes(path, bytes);
      break;
    }
    case FileKind::kDummyBadDynamic: {
      // Every byte from 512 to 8 KiB flipped: program headers, the dynamic
      // section and symbol tables of a small shared object.
      std::string bytes = dummy;
      for (std::size_t i = 512; i < std::min<std::size_t>(bytes.size(), 8192); ++i) bytes[i] = ~bytes[i];
      WriteBytes(path, bytes);
      break;
    }
    case FileKind::kExecutable: WriteBytes(path, ReadBytes("/bin/true")); break;
  }
}

// ---- The tables.

const std::string kBigArg(120'000, 'x');  // one argument may hold at most 128 KiB
const std::string kMegabyte(1 << 20, 'x');
const std::vector<std::string> kBase = {"cuts/Dummy", "--loops", "1", "--extra", "{\"sleep\":0}",
                                        "--outformat", "none"};
const std::vector<std::string> kOpened = {"--openedmodel", "--schedule", "0.1@10"};

struct ValueClass {
  const char* name;
  std::string value;
};

const std::vector<ValueClass> kNumberClasses = {
    {"empty", ""}, {"negative", "-1"}, {"nan", "nan"}, {"inf", "inf"}, {"1e300", "1e300"},
    {"huge_integer", "184467440737095516160000"}, {"garbage_unit", "10parsecs"},
    {"non_numeric", "abc"}, {"bad_utf8", "\xff\xfe"}, {"big_text", kBigArg}};
const std::vector<ValueClass> kCountExtra = {{"fraction", "1.5"}, {"trailing", "1x"}};

struct OptionSpec {
  const char* name;
  bool opened;  // an opened-model option: checked in both models
  std::vector<ValueClass> bad;
};

std::vector<ValueClass> Plus(std::vector<ValueClass> a, const std::vector<ValueClass>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<OptionSpec>& Options() {
  static const std::vector<OptionSpec> options = [] {
    auto durations = kNumberClasses;
    auto counts = Plus(kNumberClasses, kCountExtra);
    std::vector<OptionSpec> o = {
        {"process", false, Plus(counts, {{"zero", "0"}, {"above_max", "100001"}})},
        {"postpone", false, durations},
        {"rampup", false, durations},
        {"duration", false, durations},
        {"loops", false, counts},
        {"pauseloop", false, durations},
        {"pauselen", false, durations},
        {"concurrency", false, Plus(counts, {{"zero", "0"}})},
        {"optimeout", false, Plus(durations, {{"zero", "0"}})},
        {"summary", false, Plus(durations, {{"zero", "0"}, {"below_floor", "1e-10"}})},
        {"queue", false, Plus(counts, {{"not_power_of_two", "3"}})},
        {"grace", false, durations},
        {"lengths", false, {{"empty", ""}, {"comma", ","}, {"trailing_comma", "1,"},
                            {"leading_comma", ",1"}, {"empty_item", "1,,2"},
                            {"bad_utf8", "\xff"}, {"bad_utf8_item", "1,\xc3"}}},
        {"extra", false, {{"empty", ""}, {"non_json", "abc"}, {"array", "[1]"},
                          {"number", "1"}, {"null", "null"}, {"unterminated", "{"},
                          {"overflow", "{\"a\":1e400}"}, {"bad_utf8", "{\"a\":\"\xff\"}"},
                          {"trailing", "{\"a\":1}x"}, {"big_text", kBigArg}}},
        {"id", false, {{"empty", ""}, {"bad_utf8", "\xff"}, {"truncated_utf8", "ab\xc3"},
                       {"surrogate", "\xed\xa0\x80"}, {"overlong", "\xc0\xaf"}}},
        {"outformat", false, {{"empty", ""}}},
        {"output", false, {{"empty", ""}, {"directory", "/"}, {"no_dir", "nodir/out.txt"},
                           {"long_name", kBigArg}}},
        {"report", false, {{"empty", ""}, {"directory", "/"}, {"no_dir", "nodir/r.json"},
                           {"long_name", kBigArg}}},
        {"defaults", false, {{"empty", ""}, {"missing", "nosuch.json"}, {"directory", "/tmp"},
                             {"device", "/dev/zero"}, {"null_device", "/dev/null"},
                             {"fifo", "fifo.json"}, {"long_name", kBigArg}}},
        {"prefork", true, counts},
        {"trigger", true, counts},
        {"controllerDelay", true, Plus(durations, {{"zero", "0"}})},
        {"decrease", true, Plus(counts, {{"zero", "0"}})},
        {"minworkers", true, Plus(counts, {{"zero", "0"}})},
        {"maxworkers", true, Plus(counts, {{"zero", "0"}})},
        {"arrivals", true, {{"empty", ""}, {"unknown", "abc"}, {"bad_utf8", "\xff"},
                            {"big_text", kBigArg}}},
        {"seed", true, Plus(counts, {{"above_u64", "18446744073709551616"}})},
        {"burst", true, {{"empty", ""}, {"fx", "fx"}, {"negative", "-1"}, {"f_negative", "f-1"},
                         {"nan", "nan"}, {"f1e300", "f1e300"}, {"f_above_u32", "f4294967296"},
                         {"non_numeric", "abc"}, {"fraction", "1.5"}, {"f_alone", "f"},
                         {"big_text", kBigArg}}},
        {"jobs", true, Plus(counts, {{"zero", "0"}, {"not_power_of_two", "3"}})},
        {"generatorDelay", true, durations},
        {"workerDelay", true, durations},
    };
    return o;
  }();
  return options;
}

// Schedule values that must be refused, whatever the model.
const std::vector<ValueClass>& ScheduleMutations() {
  static const std::vector<ValueClass> m = {
      {"empty", ""}, {"at", "@"}, {"no_rate", "10@"}, {"no_duration", "@5"}, {"bare", "10"},
      {"trailing_comma", "10@5,"}, {"leading_comma", ",10@5"}, {"empty_segment", "10@5,,10@5"},
      {"zero_duration", "0@5"}, {"negative_duration", "-1@5"}, {"negative_rate", "10@-5"},
      {"nan_duration", "nan@5"}, {"nan_rate", "10@nan"}, {"inf_duration", "inf@5"},
      {"inf_rate", "10@inf"}, {"huge_duration", "1e300@5"}, {"huge_rate", "10@1e300"},
      {"far_rate", "0.3@1e12"}, {"ramp_open", "10@5-"}, {"ramp_dash", "10@-"},
      {"ramp_huge", "10@5-1e300"}, {"oops", "10@oops"}, {"open_paren", "10@sawtooth("},
      {"no_args", "10@sawtooth()"}, {"few_args", "10@sawtooth(5)"},
      {"many_args", "10@sawtooth(1,2,3)"}, {"zero_period", "10@sawtooth(0,5)"},
      {"negative_amplitude", "10@sawtooth(5,-1)"}, {"saw_huge", "10@sawtooth(1,1e300)"},
      {"sine_huge", "10@sine(1,1e300,1)"}, {"sine_zero_period", "10@sine(1,1,0)"},
      {"triangle_zero", "10@triangle(0,1)"}, {"stair_zero_step", "10@staircase(0,1)"},
      {"stair_zero_inc", "10@staircase(1,0)"}, {"invstair_up", "10@invstaircase(1,1,1,5)"},
      {"bursts_negative", "10@bursts(-1,1,1)"}, {"bursts_zero", "10@bursts(1,0,1)"},
      {"matrix_empty", "10@matrix()"}, {"matrix_missing", "10@matrix(nosuch.csv)"},
      {"matrix_device", "10@matrix(/dev/zero)"}, {"matrix_directory", "10@matrix(/tmp)"},
      {"matrix_fifo", "10@matrix(fifo.csv)"}, {"matrix_bad_row", "10@matrix(bad.csv)"},
      {"matrix_unordered", "10@matrix(unordered.csv)"}, {"matrix_big_row", "10@matrix(big.csv)"},
      {"unknown_shape", "10@unknown(1)"}, {"after_paren", "10@sawtooth(1,2)x"},
      {"nested_paren", "10@((1))"}, {"bad_unit", "10xs@5"}, {"two_at", "10@5@5"},
      {"space_junk", "10@5 junk"}, {"bad_utf8", "10@\xff"}, {"huge_digits", "10@" + std::string(400, '9')},
      {"big_text", kBigArg},
  };
  return m;
}

std::vector<FileSpec> ScheduleFiles() {
  return {{"fifo.csv", FileKind::kFifo, ""},
          {"bad.csv", FileKind::kText, "0,1\nx,y\n"},
          {"unordered.csv", FileKind::kText, "5,1\n2,1\n"},
          {"big.csv", FileKind::kText, "0,1\n" + kMegabyte + "\n"},
          {"fifo.json", FileKind::kFifo, ""}};
}

bool IsDuration(const std::string& option) {
  for (const char* name : {"postpone", "rampup", "duration", "pauseloop", "pauselen", "optimeout",
                           "summary", "grace", "controllerDelay", "generatorDelay", "workerDelay"}) {
    if (option == name) return true;
  }
  return false;
}

// kBase without the option `key` (a defaults file's value for it would be
// overridden by the command line's).
std::vector<std::string> BaseWithout(const std::string& key) {
  std::vector<std::string> args{kBase[0]};
  for (std::size_t i = 1; i + 1 < kBase.size(); i += 2) {
    if (kBase[i] != "--" + key) {
      args.push_back(kBase[i]);
      args.push_back(kBase[i + 1]);
    }
  }
  return args;
}

std::string Sanitized(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (out.size() >= 48) break;
    out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  }
  return out;
}

void AddOptionCases(std::vector<Case>& cases) {
  for (const OptionSpec& option : Options()) {
    for (bool opened : option.opened ? std::vector<bool>{false, true} : std::vector<bool>{false}) {
      for (const ValueClass& bad : option.bad) {
        for (bool equals : {false, true}) {
          Case c;
          c.group = "option";
          c.label = std::string(option.name) + (opened ? "_opened_" : "_") + bad.name +
                    (equals ? "_equals" : "");
          c.args = kBase;
          if (opened) c.args.insert(c.args.end(), kOpened.begin(), kOpened.end());
          std::string flag = std::string("--") + option.name;
          if (equals) {
            c.args.push_back(flag + "=" + bad.value);
          } else {
            c.args.push_back(flag);
            c.args.push_back(bad.value);
          }
          c.culprits = {flag};
          c.files = {{"fifo.json", FileKind::kFifo, ""}};
          cases.push_back(std::move(c));
        }
      }
    }
  }
  // A repeated option is checked every time it appears (the last value wins).
  for (const OptionSpec& option : Options()) {
    if (option.bad.size() < 2) continue;
    Case c;
    c.group = "option";
    c.label = std::string(option.name) + "_bad_then_default";
    c.args = kBase;
    if (option.opened) c.args.insert(c.args.end(), kOpened.begin(), kOpened.end());
    c.args.push_back(std::string("--") + option.name);
    c.args.push_back(option.bad[1].value);
    c.culprits = {std::string("--") + option.name};
    c.files = {{"fifo.json", FileKind::kFifo, ""}};
    // Then a valid value: the bad one must still be refused.
    static const std::vector<std::pair<std::string, std::string>> good = {
        {"lengths", "0"}, {"extra", "{\"sleep\":0}"}, {"id", "x"}, {"outformat", "none"},
        {"output", "o.txt"}, {"report", "r.json"}, {"defaults", "ok.json"},
        {"arrivals", "uniform"}, {"burst", "1"}, {"seed", "1"}, {"jobs", "2"}, {"queue", "0"}};
    std::string value = IsDuration(option.name) ? "0.01" : "1";
    for (const auto& [name, v] : good) {
      if (name == option.name) value = v;
    }
    c.args.push_back(std::string("--") + option.name);
    c.args.push_back(value);
    c.files.push_back({"ok.json", FileKind::kText, "{}"});
    cases.push_back(std::move(c));
  }
}

void AddScheduleCases(std::vector<Case>& cases) {
  for (const ValueClass& bad : ScheduleMutations()) {
    for (bool opened : {true, false}) {
      for (bool prefix : {false, true}) {
        Case c;
        c.group = "schedule";
        c.label = std::string(bad.name) + (opened ? "_opened" : "_closed") + (prefix ? "_prefix" : "");
        c.args = kBase;
        if (opened) c.args.push_back(prefix ? "--open" : "--openedmodel");
        c.args.push_back(prefix ? "--sche" : "--schedule");
        c.args.push_back(bad.value);
        c.culprits = {"--schedule"};
        c.files = ScheduleFiles();
        cases.push_back(std::move(c));
      }
    }
  }
}

// The JSON text of a wrong value for a defaults key.
struct WrongValue {
  const char* name;
  std::string json;
};

void AddDefaultsCases(std::vector<Case>& cases) {
  const std::vector<WrongValue> scalar_wrong = {{"bool", "true"}, {"array", "[1]"},
                                                {"object", "{\"a\":1}"}, {"null", "null"}};
  const std::vector<WrongValue> number_wrong = {{"fraction", "4.5"}, {"negative", "-1"},
                                                {"string", "\"abc\""}, {"huge", "1e300"}};
  struct Key {
    const char* name;
    std::vector<WrongValue> wrong;
  };
  std::vector<Key> keys;
  for (const OptionSpec& option : Options()) {
    if (std::string(option.name) == "defaults") continue;
    std::vector<WrongValue> wrong;
    std::string name = option.name;
    if (name == "extra") {
      wrong = {{"bool", "true"}, {"array", "[1]"}, {"number", "5"}, {"null", "null"},
               {"string_non_json", "\"abc\""}};
    } else if (name == "lengths") {
      wrong = {{"bool", "true"}, {"nested_array", "[[1]]"}, {"object", "{\"a\":1}"},
               {"null", "null"}, {"array_of_objects", "[{}]"}, {"empty_string", "\"\""}};
    } else if (name == "id" || name == "outformat" || name == "output" || name == "report" ||
               name == "arrivals" || name == "burst") {
      wrong = scalar_wrong;
      wrong.push_back({"empty_string", "\"\""});
    } else {
      wrong = scalar_wrong;
      for (const WrongValue& w : number_wrong) {
        // 4.5 is a fine duration.
        if (!(IsDuration(name) && std::string(w.name) == "fraction")) wrong.push_back(w);
      }
    }
    keys.push_back({option.name, wrong});
  }
  keys.push_back({"schedule", {{"bool", "true"}, {"array", "[1]"}, {"object", "{}"},
                               {"null", "null"}, {"number", "5"}, {"oops", "\"10@oops\""}}});
  keys.push_back({"steps", {{"bool", "true"}, {"nested_array", "[[1]]"}, {"null", "null"}}});
  keys.push_back({"openedmodel", {{"number", "1"}, {"string", "\"true\""}, {"null", "null"},
                                  {"array", "[]"}, {"object", "{}"}}});
  for (const Key& key : keys) {
    for (const WrongValue& wrong : key.wrong) {
      for (bool implicit : {false, true}) {
        Case c;
        c.group = "defaults";
        c.label = std::string(key.name) + "_" + wrong.name + (implicit ? "_implicit" : "");
        std::string file = implicit ? "defaults.json" : "d.json";
        c.args = BaseWithout(key.name);
        if (!implicit) {
          c.args.push_back("--defaults");
          c.args.push_back(file);
        }
        c.files = {{file, FileKind::kText, "{\"" + std::string(key.name) + "\": " + wrong.json + "}\n"}};
        c.culprits = {file, key.name};
        cases.push_back(std::move(c));
      }
    }
  }
  // Whole files that are not a defaults file.
  const std::vector<std::pair<const char*, std::string>> files = {
      {"not_json", "{\"process\": "}, {"array", "[1, 2]"}, {"empty", ""}, {"string", "\"x\""},
      {"unknown_key", "{\"bogus\": 1}"}, {"excluded_key", "{\"defaults\": \"x.json\"}"},
      {"help_key", "{\"help\": true}"}, {"bad_utf8", "{\"id\": \"\xff\"}"},
      {"big_value", "{\"id\": \"" + kMegabyte + "\", \"process\": -1}"},
      {"deep_extra", "{\"extra\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}"},
      {"deep_object_extra", "{\"extra\": " + [] {
         std::string s;
         for (int i = 0; i < 100'000; ++i) s += "{\"a\":";
         return s + "0" + std::string(100'000, '}');
       }() + "}"},
      {"overflow", "{\"extra\": {\"a\": 1e400}}"},
  };
  for (const auto& [name, text] : files) {
    for (bool implicit : {false, true}) {
      Case c;
      c.group = "defaults";
      c.label = std::string("file_") + name + (implicit ? "_implicit" : "");
      std::string file = implicit ? "defaults.json" : "d.json";
      c.args = kBase;
      if (!implicit) {
        c.args.push_back("--defaults");
        c.args.push_back(file);
      }
      c.files = {{file, FileKind::kText, text}};
      c.culprits = {file};
      cases.push_back(std::move(c));
    }
  }
  // ./defaults.json that is not a regular file is not skipped without a word.
  for (FileKind kind : {FileKind::kDirectory, FileKind::kFifo}) {
    Case c;
    c.group = "defaults";
    c.label = kind == FileKind::kDirectory ? "implicit_is_directory" : "implicit_is_fifo";
    c.args = kBase;
    c.files = {{"defaults.json", kind, ""}};
    c.culprits = {"defaults.json"};
    cases.push_back(std::move(c));
  }
}

void AddScenarioCases(std::vector<Case>& cases) {
  const std::string head = "# a scenario\ncuts/Dummy --loops 1 --extra {\"sleep\":0}\n";
  const std::vector<std::string> run = {"scenario", "--file", "s.txt", "--outformat", "none"};
  // Line 3: a load line with one bad option value.
  const std::vector<ValueClass> classes = {{"negative", "-1"}, {"non_numeric", "abc"},
                                           {"1e300", "1e300"}, {"nan", "nan"},
                                           {"bad_utf8", "\xff"}};
  for (const OptionSpec& option : Options()) {
    std::string name = option.name;
    // Run options are refused on a line whatever their value: cases below.
    const std::vector<std::string> run_options = {"outformat", "output", "report", "summary",
                                                  "grace", "queue", "jobs", "defaults"};
    if (std::find(run_options.begin(), run_options.end(), name) != run_options.end()) continue;
    for (const ValueClass& bad : classes) {
      // Any text is a fine id or length; only bytes that are not UTF-8 are not.
      if ((name == "id" || name == "lengths") && std::string(bad.name) != "bad_utf8") continue;
      Case c;
      c.group = "scenario";
      c.label = name + "_" + bad.name;
      c.args = run;
      std::string line = "cuts/Dummy --loops 1 --extra {\"sleep\":0}" +
                         std::string(option.opened ? " --openedmodel --schedule 0.1@10" : "") +
                         " --" + name + " " + bad.value;
      c.files = {{"s.txt", FileKind::kText, head + line + "\n"}};
      c.culprits = {"s.txt:3"};
      cases.push_back(std::move(c));
    }
  }
  struct Bad {
    const char* name;
    std::string text;
    std::vector<std::string> culprits;
    Expect expect = Expect::kBadOption;
  };
  const std::vector<Bad> texts = {
      {"unterminated_quote", head + "cuts/Dummy --id 'open\n", {"s.txt:3"}},
      {"nested_scenario", head + "scenario --file s.txt\n", {"s.txt:3"}},
      {"help_line", head + "cuts/Dummy --help\n", {"s.txt:3"}},
      {"version_line", head + "--version\n", {"s.txt:3"}},
      {"unknown_option", head + "cuts/Dummy --bogus 1\n", {"s.txt:3", "--bogus"}},
      {"ambiguous_prefix", head + "cuts/Dummy --p 1\n", {"s.txt:3", "--p"}},
      {"no_cut", head + "--loops 1\n", {"s.txt:3"}},
      {"missing_cut", head + "cuts/Nosuch --loops 1\n", {"s.txt:3", "cuts/Nosuch"}, Expect::kBadCut},
      {"schedule_oops", head + "cuts/Dummy --openedmodel --schedule 10@oops\n", {"s.txt:3", "--schedule"}},
      {"closed_schedule_oops", head + "cuts/Dummy --loops 1 --schedule 10@oops\n", {"s.txt:3", "--schedule"}},
      {"burst_fx", head + "cuts/Dummy --loops 1 --burst fx\n", {"s.txt:3", "--burst"}},
      {"megabyte_line", head + "cuts/Dummy --id " + kMegabyte + " --process -1\n", {"s.txt:3"}},
      {"megabyte_garbage", head + kMegabyte + "\n", {"s.txt:3"}},
      {"bad_utf8_cut", head + "\xff\xfe --loops 1\n", {"s.txt:3"}, Expect::kBadCut},
      {"crlf_bad", "cuts/Dummy --loops 1\r\ncuts/Dummy --process -1\r\n", {"s.txt:2", "--process"}},
      {"bom_bad_line", "\xef\xbb\xbf" "cuts/Dummy --process -1\n", {"s.txt:1", "--process"}},
      {"only_comments", "# nothing\n\n   \n# more\n", {"s.txt"}},
      {"empty", "", {"s.txt"}},
      {"run_defaults_missing", head + "cuts/Dummy --defaults nosuch.json\n", {"s.txt:3", "--defaults"}},
      {"run_defaults_bad", head + "cuts/Dummy --defaults d.json\n", {"s.txt:3", "--defaults"}},
      {"run_output", head + "cuts/Dummy --output o.txt\n", {"s.txt:3", "--output"}},
      {"run_report", head + "cuts/Dummy --report r.json\n", {"s.txt:3", "--report"}},
      {"run_outformat_prefix", head + "cuts/Dummy --out csv\n", {"s.txt:3", "--outformat"}},
      {"run_summary", head + "cuts/Dummy --summary 1\n", {"s.txt:3", "--summary"}},
      {"run_grace", head + "cuts/Dummy --grace=1\n", {"s.txt:3", "--grace"}},
      {"run_queue", head + "cuts/Dummy --queue 1024\n", {"s.txt:3", "--queue"}},
      {"run_jobs", head + "cuts/Dummy --openedmodel --jobs 1024\n", {"s.txt:3", "--jobs"}},
      {"run_threshold", head + "cuts/Dummy --threshold p99<5ms\n", {"s.txt:3", "--threshold"}},
      {"run_start_at", head + "cuts/Dummy --start-at 10:00\n", {"s.txt:3", "--start-at"}},
  };
  for (const Bad& bad : texts) {
    Case c;
    c.group = "scenario";
    c.label = std::string("text_") + bad.name;
    c.args = run;
    c.files = {{"s.txt", FileKind::kText, bad.text}, {"d.json", FileKind::kText, "{\"process\": -1}"}};
    c.culprits = bad.culprits;
    c.expect = bad.expect;
    cases.push_back(std::move(c));
  }
  // The scenario file itself.
  const std::vector<std::pair<const char*, FileSpec>> files = {
      {"directory", {"s.txt", FileKind::kDirectory, ""}},
      {"fifo", {"s.txt", FileKind::kFifo, ""}},
      {"symlink_to_device", {"s.txt", FileKind::kSymlink, "/dev/zero"}},
      {"symlink_dangling", {"s.txt", FileKind::kSymlink, "nowhere.txt"}},
  };
  for (const auto& [name, file] : files) {
    Case c;
    c.group = "scenario";
    c.label = std::string("file_") + name;
    c.args = run;
    c.files = {file};
    c.culprits = {"s.txt"};
    cases.push_back(std::move(c));
  }
  for (const auto& [name, path] : std::vector<std::pair<const char*, std::string>>{
           {"missing", "nosuch.txt"}, {"device", "/dev/zero"}, {"null_device", "/dev/null"},
           {"root", "/"}, {"empty_name", ""}, {"long_name", kBigArg}}) {
    Case c;
    c.group = "scenario";
    c.label = std::string("file_") + name;
    c.args = {"scenario", "--file", path};
    c.culprits = {"--file"};
    cases.push_back(std::move(c));
  }
  // Bad run options of the scenario command line.
  const std::vector<std::pair<const char*, std::vector<ValueClass>>> run_options = {
      {"summary", {{"empty", ""}, {"zero", "0"}, {"negative", "-1"}, {"nan", "nan"}, {"tiny", "1e-10"},
                   {"huge", "1e300"}, {"non_numeric", "abc"}}},
      {"queue", {{"empty", ""}, {"three", "3"}, {"negative", "-1"}, {"huge", "184467440737095516160000"},
                 {"non_numeric", "abc"}}},
      {"grace", {{"empty", ""}, {"negative", "-1"}, {"nan", "nan"}, {"huge", "1e300"}, {"non_numeric", "abc"}}},
      {"output", {{"empty", ""}, {"directory", "/"}, {"no_dir", "nodir/o.txt"}}},
      {"report", {{"empty", ""}, {"directory", "/"}, {"no_dir", "nodir/r.json"}}},
      {"defaults", {{"empty", ""}, {"missing", "nosuch.json"}, {"directory", "/tmp"}, {"device", "/dev/zero"}}},
      {"outformat", {{"empty", ""}}},
  };
  for (const auto& [name, values] : run_options) {
    for (const ValueClass& bad : values) {
      Case c;
      c.group = "scenario";
      c.label = std::string("run_") + name + "_" + bad.name;
      c.args = run;
      c.args.push_back(std::string("--") + name);
      c.args.push_back(bad.value);
      c.files = {{"s.txt", FileKind::kText, head}};
      c.culprits = {std::string("--") + name};
      cases.push_back(std::move(c));
    }
  }
}

void AddCutCases(std::vector<Case>& cases) {
  struct Bad {
    const char* name;
    std::string cut;
    std::vector<FileSpec> files;
    std::string culprit;
  };
  const std::vector<Bad> bads = {
      {"empty_name", "", {}, "CUT"},
      {"missing", "nosuch", {}, "nosuch"},
      {"missing_in_cuts", "cuts/Nosuch", {}, "cuts/Nosuch"},
      {"missing_dotted", "cuts.Nosuch", {}, "cuts.Nosuch"},
      {"root", "/", {}, "/"},
      {"directory", "/tmp", {}, "/tmp"},
      {"device", "/dev/zero", {}, "/dev/zero"},
      {"null_device", "/dev/null", {}, "/dev/null"},
      {"text_file", "./text.so", {{"text.so", FileKind::kText, "not an ELF file\n"}}, "text.so"},
      {"empty_file", "./empty.so", {{"empty.so", FileKind::kText, ""}}, "empty.so"},
      {"dir_named_so", "./dir.so", {{"dir.so", FileKind::kDirectory, ""}}, "dir.so"},
      {"fifo_named_so", "./fifo.so", {{"fifo.so", FileKind::kFifo, ""}}, "fifo.so"},
      {"truncated", "./trunc.so", {{"trunc.so", FileKind::kDummyTruncated, ""}}, "trunc.so"},
      {"bad_header", "./header.so", {{"header.so", FileKind::kDummyBadHeader, ""}}, "header.so"},
      {"bad_dynamic", "./dynamic.so", {{"dynamic.so", FileKind::kDummyBadDynamic, ""}}, "dynamic.so"},
      {"executable", "./exe.so", {{"exe.so", FileKind::kExecutable, ""}}, "exe.so"},
      {"symlink_to_device", "./link.so", {{"link.so", FileKind::kSymlink, "/dev/zero"}}, "link.so"},
      {"dangling_symlink", "./gone.so", {{"gone.so", FileKind::kSymlink, "nowhere.so"}}, "gone.so"},
      {"bad_utf8_name", "\xff\xfe", {}, "CUT"},
      {"long_name", kBigArg, {}, kBigArg.substr(0, 40)},
      {"passwd", "../../../../../../etc/passwd", {}, "passwd"},
  };
  for (const Bad& bad : bads) {
    for (bool opened : {false, true}) {
      Case c;
      c.group = "cut";
      c.label = std::string(bad.name) + (opened ? "_opened" : "");
      c.args = kBase;
      c.args[0] = bad.cut;
      if (opened) c.args.insert(c.args.end(), kOpened.begin(), kOpened.end());
      c.files = bad.files;
      c.culprits = {bad.culprit};
      c.expect = Expect::kBadCut;
      cases.push_back(std::move(c));
    }
  }
}

// Every example of the issue's "Why" list.
void AddRegressionCases(std::vector<Case>& cases) {
  auto add = [&](const char* label, std::vector<std::string> args, std::vector<std::string> culprits,
                 Expect expect = Expect::kBadOption, std::vector<FileSpec> files = {}) {
    Case c;
    c.group = "regression";
    c.label = label;
    c.args = std::move(args);
    c.culprits = std::move(culprits);
    c.expect = expect;
    c.files = std::move(files);
    cases.push_back(std::move(c));
    return &cases.back();
  };
  auto with = [](std::vector<std::string> extra) {
    std::vector<std::string> args = kBase;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  // Aborts and crashes.
  add("extra_1e400", with({"--extra", "{\"a\":1e400}"}), {"--extra"});
  add("defaults_directory", with({"--defaults", "/tmp"}), {"--defaults"});
  add("defaults_extra_nested_100000", with({"--defaults", "d.json"}), {"d.json", "extra"},
      Expect::kBadOption,
      {{"d.json", FileKind::kText, "{\"extra\": " + std::string(100'000, '[') + std::string(100'000, ']') + "}"}});
  add("truncated_cut", with({}), {"t.so"}, Expect::kBadCut, {{"t.so", FileKind::kDummyTruncated, ""}})
      ->args[0] = "./t.so";
  add("bit_flipped_cut", with({}), {"f.so"}, Expect::kBadCut, {{"f.so", FileKind::kDummyBadDynamic, ""}})
      ->args[0] = "./f.so";
  add("bogus_to_dev_full", {"cuts/Dummy", "--bogus"}, {}, Expect::kSilent)->stderr_path = "/dev/full";
  add("summary_1e-10", with({"--summary", "1e-10"}), {"--summary"});
  // Hangs.
  add("fifo_defaults", with({"--defaults", "f"}), {"--defaults"}, Expect::kBadOption, {{"f", FileKind::kFifo, ""}});
  add("fifo_scenario", {"scenario", "--file", "f"}, {"--file"}, Expect::kBadOption, {{"f", FileKind::kFifo, ""}});
  add("fifo_matrix", with({"--openedmodel", "--schedule", "10@matrix(f)"}), {"--schedule"},
      Expect::kBadOption, {{"f", FileKind::kFifo, ""}});
  add("fifo_output_sigterm", with({"--output", "f"}), {}, Expect::kSignalled, {{"f", FileKind::kFifo, ""}})
      ->sigterm_after_s = 0.3;
  add("fifo_report_sigterm", with({"--report", "f"}), {}, Expect::kSignalled, {{"f", FileKind::kFifo, ""}})
      ->sigterm_after_s = 0.3;
  add("scenario_dev_zero", {"scenario", "--file", "/dev/zero"}, {"--file"});
  add("schedule_0.3_at_1e12", with({"--openedmodel", "--schedule", "0.3@1e12"}), {"--schedule"});
  add("schedule_rate_1e300", with({"--openedmodel", "--schedule", "10@1e300"}), {"--schedule"});
  add("schedule_sawtooth_1e300", with({"--openedmodel", "--schedule", "10@sawtooth(1,1e300)"}), {"--schedule"});
  add("schedule_sine_1e300", with({"--openedmodel", "--schedule", "10@sine(1,1e300,1)"}), {"--schedule"});
  add("schedule_duration_1e300", with({"--openedmodel", "--schedule", "1e300@1"}), {"--schedule"});
  add("burst_f4294967295", with({"--openedmodel", "--schedule", "0.2@5", "--burst", "f4294967295"}), {"--burst"});
  // Raw library text.
  add("extra_sleep_x", {"cuts/Dummy", "--loops", "1", "--outformat", "none", "--extra", "{\"sleep\":\"x\"}"},
      {"sleep"}, Expect::kSetupError);
  add("encrypt_file_empty", {"cuts/Encrypt", "--loops", "1", "--outformat", "none", "--extra",
                             "{\"file\":\"\",\"key\":\"symmetric1\"}"},
      {"file"}, Expect::kSetupError);
  add("id_bad_utf8_report", with({"--id", "\xff", "--report", "r.json"}), {"--id"});
  add("lengths_bad_utf8_report", with({"--lengths", "\xff", "--report", "r.json"}), {"--lengths"});
  // Floods.
  add("fifty_runners_fail_setup", {"cuts/Dummy", "--process", "50", "--loops", "1", "--outformat", "none",
                                   "--extra", "{\"sleep\":\"x\"}"},
      {"50", "sleep"}, Expect::kSetupError)->timeout_s = 5;
  // A refusal that needs the CUT (a blocking CUT given --concurrency) comes
  // after the probe: one probe for three lines of one CUT.
  add("scenario_one_probe_per_cut", {"scenario", "--file", "s.txt"}, {"s.txt:3", "--concurrency"},
      Expect::kBadCut,
      {{"s.txt", FileKind::kText,
        "cuts/Dummy --loops 1\ncuts/Dummy --loops 1\ncuts/Dummy --loops 1 --concurrency 2\n"}});
  add("scenario_megabyte_line", {"scenario", "--file", "s.txt"}, {"s.txt:1"}, Expect::kBadOption,
      {{"s.txt", FileKind::kText, "cuts/Dummy --process " + kMegabyte + "\n"}});
  add("matrix_megabyte_row", with({"--openedmodel", "--schedule", "10@matrix(m.csv)"}), {"--schedule"},
      Expect::kBadOption, {{"m.csv", FileKind::kText, "0,1\n" + kMegabyte + "\n"}});
  {
    std::vector<std::string> args = kBase;
    for (int i = 0; i < 100'000; ++i) args.push_back("stray");
    add("stray_arguments_100000", args, {"stray"});
  }
  // Silent acceptance.
  add("closed_schedule_oops", with({"--loops", "1", "--schedule", "10@oops"}), {"--schedule"});
  add("closed_burst_fx", with({"--burst", "fx"}), {"--burst"});
  add("prefork_empty", with({"--prefork", ""}), {"--prefork"});
  add("seed_empty", with({"--seed", ""}), {"--seed"});
  add("defaults_empty", with({"--defaults", ""}), {"--defaults"});
  add("output_empty", with({"--output", ""}), {"--output"});
  add("report_empty", with({"--report", ""}), {"--report"});
  add("output_is_report", with({"--output", "o.txt", "--report", "o.txt"}), {"--report"});
  add("output_is_report_dotdot", with({"--output", "o.txt", "--report", "sub/../o.txt"}), {"--report"},
      Expect::kBadOption, {{"sub", FileKind::kDirectory, ""}});
  add("output_is_report_symlink", with({"--output", "o.txt", "--report", "l.txt"}), {"--report"},
      Expect::kBadOption, {{"o.txt", FileKind::kText, ""}, {"l.txt", FileKind::kSymlink, "o.txt"}});
  add("scenario_output_is_scenario", {"scenario", "--file", "s.txt", "--output", "s.txt"}, {"--output"},
      Expect::kBadOption, {{"s.txt", FileKind::kText, "cuts/Dummy --loops 1 --extra {\"sleep\":0}\n"}});
  add("output_is_defaults", with({"--defaults", "d.json", "--report", "d.json"}), {"--report"},
      Expect::kBadOption, {{"d.json", FileKind::kText, "{\"loops\": 1}"}});
  add("output_is_cut", {"./D.so", "--loops", "1", "--extra", "{\"sleep\":0}", "--output", "D.so"},
      {"--output"}, Expect::kBadOption, {{"D.so", FileKind::kDummyCopy, ""}});
  add("loops_x_then_1", with({"--loops", "x", "--loops", "1"}), {"--loops"});
  add("dummy_sleep_1e10", {"cuts/Dummy", "--loops", "1", "--outformat", "none", "--extra", "{\"sleep\":1e10}"},
      {"sleep"}, Expect::kSetupError);
  add("dummy_error_negative_fraction", {"cuts/Dummy", "--loops", "1", "--outformat", "none", "--extra",
                                        "{\"sleep\":0,\"error\":-0.5}"},
      {"error"}, Expect::kSetupError);
  add("dummy_error_1e300", {"cuts/Dummy", "--loops", "1", "--outformat", "none", "--extra",
                            "{\"sleep\":0,\"error\":1e300}"},
      {"error"}, Expect::kSetupError);
  add("defaults_wrong_type_names_file", with({"--defaults", "d.json"}), {"d.json", "process"},
      Expect::kBadOption, {{"d.json", FileKind::kText, "{\"process\": 4.5}"}});
  add("scenario_bom_comment", {"scenario", "--file", "s.txt", "--outformat", "none"}, {}, Expect::kAccepted,
      {{"s.txt", FileKind::kText, "\xef\xbb\xbf# comment\ncuts/Dummy --loops 1 --extra {\"sleep\":0}\n"}})
      ->timeout_s = 10;
  add("scenario_is_directory", {"scenario", "--file", "s.txt"}, {"s.txt", "directory"}, Expect::kBadOption,
      {{"s.txt", FileKind::kDirectory, ""}});
  add("implicit_defaults_not_regular", with({}), {"defaults.json"}, Expect::kBadOption,
      {{"defaults.json", FileKind::kDirectory, ""}});
  {
    std::string lengths = "0";
    for (int i = 1; i < 60'000; ++i) lengths += ",1";
    // Refused up front (cli::kMaxLoadLengths) instead of a 1.1 GB reader.
    add("lengths_60000_with_report", with({"--lengths", lengths, "--report", "r.json"}), {"--lengths"});
  }
}

std::vector<Case> GenerateCases() {
  std::vector<Case> cases;
  AddOptionCases(cases);
  AddScheduleCases(cases);
  AddDefaultsCases(cases);
  AddScenarioCases(cases);
  AddCutCases(cases);
  AddRegressionCases(cases);
  return cases;
}

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = GenerateCases();
  return cases;
}

// ---- The contract.

std::string Shown(const std::string& text) {
  std::string shown = text.size() > 300 ? text.substr(0, 300) + "... (" + std::to_string(text.size()) + " bytes)" : text;
  return shown;
}

std::string Describe(const Case& c) {
  std::string args;
  for (const auto& a : c.args) {
    if (args.size() > 300) {
      args += " ...";
      break;
    }
    args += " '" + (a.size() > 60 ? a.substr(0, 60) + "...(" + std::to_string(a.size()) + " bytes)" : a) + "'";
  }
  return c.group + "/" + c.label + ": pylogen" + args;
}

class BadInputTable : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BadInputTable, KeepsTheContract) {
  const Case& c = Cases()[GetParam()];
  SCOPED_TRACE(Describe(c));
  fs::path dir = TempPath(Sanitized(c.label));
  fs::create_directories(dir);
  for (const FileSpec& f : c.files) Prepare(f, dir);
  Counted r = RunCounted(c, dir.string());
  ASSERT_EQ(r.setup_error, "") << "could not run the case in a pid namespace";
  ASSERT_FALSE(r.timed_out) << "hung: killed after " << c.timeout_s << " s; stderr: " << Shown(r.err);
  EXPECT_EQ(r.term_signal, 0) << "pylogen died of signal " << r.term_signal << "; stderr: " << Shown(r.err);
  EXPECT_EQ(r.leftovers, 0) << "processes left behind after pylogen exited";

  std::size_t newlines = std::count(r.err.begin(), r.err.end(), '\n');
  std::string line = r.err.substr(0, r.err.find('\n'));
  auto one_line_naming = [&] {
    EXPECT_TRUE(newlines == 1 && r.err.back() == '\n') << "expected exactly one stderr line, got "
                                                       << newlines << ": " << Shown(r.err);
    EXPECT_LE(line.size(), 1024u) << "an error line of " << line.size() << " bytes: " << Shown(line);
    for (const std::string& culprit : c.culprits) {
      EXPECT_NE(line.find(culprit), std::string::npos) << "the line does not name '" << Shown(culprit)
                                                       << "': " << Shown(line);
    }
    for (const char* raw : {"json.exception", "basic_filebuf", "terminate called", "std::"}) {
      EXPECT_EQ(line.find(raw), std::string::npos) << "raw library text: " << Shown(line);
    }
  };
  switch (c.expect) {
    case Expect::kBadOption:
    case Expect::kBadCut:
      EXPECT_EQ(r.exit_code, 2) << "stderr: " << Shown(r.err);
      EXPECT_EQ(r.out, "") << "stdout of a bad input";
      EXPECT_TRUE(line.rfind("pylogen: error: ", 0) == 0) << Shown(line);
      one_line_naming();
      if (c.expect == Expect::kBadOption) {
        EXPECT_EQ(r.tasks, 0) << "a bad option forked";
      } else {
        EXPECT_LE(r.tasks, 1) << "a bad CUT forked more than its probe";
      }
      break;
    case Expect::kSetupError:
      EXPECT_TRUE(r.exit_code == 2 || r.exit_code == 3) << "exit " << r.exit_code << "; stderr: " << Shown(r.err);
      one_line_naming();
      break;
    case Expect::kAccepted:
      EXPECT_EQ(r.exit_code, 0) << "stderr: " << Shown(r.err);
      break;
    case Expect::kSignalled:
      EXPECT_TRUE(r.exit_code == 130 || r.exit_code == 2) << "exit " << r.exit_code << "; stderr: " << Shown(r.err);
      // Outputs are opened after the CUT is probed (a bad CUT must not cost
      // an output file): the probe is the one fork allowed.
      EXPECT_LE(r.tasks, 1) << "forked more than the CUT's probe while opening its outputs";
      break;
    case Expect::kSilent:
      EXPECT_EQ(r.exit_code, 2);
      EXPECT_EQ(r.tasks, 0);
      break;
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::size_t>& info) {
  const Case& c = Cases()[info.param];
  return std::to_string(info.param) + "_" + c.group + "_" + Sanitized(c.label);
}

INSTANTIATE_TEST_SUITE_P(Generated, BadInputTable, ::testing::Range<std::size_t>(0, Cases().size()),
                         CaseName);

// The count the issue asks for, and a floor under it.
TEST(BadInputTableSize, AtLeastAThousandGeneratedCases) {
  std::size_t regressions = std::count_if(Cases().begin(), Cases().end(),
                                          [](const Case& c) { return c.group == "regression"; });
  std::printf("black-box table: %zu generated cases (%zu regressions of the issue's examples)\n",
              Cases().size(), regressions);
  EXPECT_GE(Cases().size() - regressions, 1000u);
}

// The fork count cannot be had silently wrong: a case that forks must count.
TEST(BadInputTableSize, TheForkCountSeesARun) {
  Case c;
  c.args = {"cuts/Dummy", "--loops", "1", "--process", "2", "--extra", "{\"sleep\":0}", "--outformat", "none"};
  c.timeout_s = 10;
  fs::path dir = TempPath("fork-count");
  fs::create_directories(dir);
  Counted r = RunCounted(c, dir.string());
  ASSERT_EQ(r.setup_error, "");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(r.tasks, 3) << "a reader and two runners";
  EXPECT_EQ(r.leftovers, 0);
}

}  // namespace
}  // namespace pylogen::testing
