// Fuzz target: the --schedule grammar (schedule::Schedule::Parse), then the
// queries the generator and the controller make on what parses (RateAt,
// IntegralTo, TimeAtIntegral with and without a cursor, MaxRate).
// Input: the --schedule value, optionally followed by a NUL byte and the
// content of a matrix file; every matrix(...) argument is rewritten to name
// that content (an InputMemFile), so no execution touches the file system.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "schedule/schedule.h"

namespace {

pylogen::fuzz::InputMemFile* matrix_file = nullptr;

// `schedule` with every "matrix(ARG)" made "matrix(PATH)".
std::string MapMatrixFiles(std::string_view schedule, const std::string& path) {
  constexpr std::string_view kOpen = "matrix(";
  std::string out;
  for (std::size_t at = 0;;) {
    std::size_t found = schedule.find(kOpen, at);
    if (found == std::string_view::npos) {
      out.append(schedule.substr(at));
      return out;
    }
    out.append(schedule.substr(at, found - at + kOpen.size()));
    std::size_t close = schedule.find(')', found + kOpen.size());
    if (close == std::string_view::npos) {  // unterminated: left as it is
      out.append(schedule.substr(found + kOpen.size()));
      return out;
    }
    out.append(path);
    at = close;
  }
}

void Query(const pylogen::schedule::Schedule& s) {
  const double d = s.duration_s();
  const double total = s.Total();
  volatile double sink = 0;
  for (double t : {-1.0, 0.0, d / 3, d / 2, d * 0.999, d, d * 1.5}) {
    sink = sink + s.RateAt(t) + s.IntegralTo(t);
  }
  for (double x : {-1.0, 0.0, total / 4, total / 2, total, total * 2}) {
    sink = sink + s.TimeAtIntegral(x);
  }
  // Non-decreasing positions through one cursor, as the generator walks it.
  pylogen::schedule::Schedule::Cursor cursor;
  for (int i = 0; i <= 16; ++i) {
    double x = total * i / 16;
    double t = s.TimeAtIntegral(x, cursor);
    sink = sink + t + s.RateAt(t, cursor);
  }
  if (std::isfinite(d)) {
    sink = sink + s.MaxRate(0, d) + s.MaxRate(d / 4, d / 2) + s.MaxRate(d / 2, d / 2) +
           s.MaxRate(d, d + 1);
  }
  (void)sink;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pylogen::fuzz::RequireNoImplicitDefaults();
  matrix_file = new pylogen::fuzz::InputMemFile();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = pylogen::fuzz::AsText(data, size);
  std::size_t nul = input.find('\0');
  std::string_view schedule = input.substr(0, nul);
  matrix_file->Set(nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1));
  auto parsed = pylogen::schedule::Schedule::Parse(MapMatrixFiles(schedule, matrix_file->path()));
  if (parsed) Query(*parsed);
  return 0;
}
