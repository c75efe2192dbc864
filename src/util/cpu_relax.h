// A spin-wait hint for the CPU (x86 PAUSE): cheaper and kinder to the other
// hyperthread than a bare busy loop. A no-op elsewhere.
#ifndef PYLOGEN_UTIL_CPU_RELAX_H_
#define PYLOGEN_UTIL_CPU_RELAX_H_

namespace pylogen::util {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace pylogen::util

#endif  // PYLOGEN_UTIL_CPU_RELAX_H_
