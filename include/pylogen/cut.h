// pylogen SDK — the class under test (CUT) and its registration.
//
// A CUT is a shared library holding one class derived from ClassUnderTest and
// one PYLOGEN_REGISTER_CUT(Class) line. pylogen dlopens it once, checks its
// ABI version before calling anything in it, then in every worker process,
// after fork, creates one instance and drives it:
//
//   setup()                                   once per process
//   for each loop:      resetBeforeSteps()
//     for each length:  [requests reset, length set] resetBeforeStep()
//                       genDatas() processDatas() func()  -> records
//   teardown()                                once per process
//
// func() does its work through requests().exec(...) (see requests.h). An
// exception escaping func() itself is recorded as a failed request named
// "func". Hooks a CUT does not override cost one empty virtual call.
//
// Threading: an instance is used by one thread of one process only.
//
// Closed: runner i (0-based) is forked at postpone + i x rampup, then sets up
// (within its --duration); a failing setup() fails that runner only (exit 3).
// Opened: preforked workers set up before the schedule starts (one failing
// stops the load); resetBeforeSteps() is never called (no loops); each worker
// cycles through the lengths on its own, one per event. teardown() runs when
// the process ends normally, not after a kill at the end of --grace nor after
// a failed setup(). An exception in a data hook or resetBeforeStep is recorded
// like one escaping func(); one in resetBeforeSteps ends the runner (exit 1).
//
// An event-driven CUT (many operations in flight per process) derives from
// EventClassUnderTest instead: see event_cut.h. Both register with
// PYLOGEN_REGISTER_CUT.
#ifndef PYLOGEN_CUT_H_
#define PYLOGEN_CUT_H_

#include <charconv>
#include <cstdint>
#include <system_error>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "pylogen/context.h"
#include "pylogen/event_cut.h"
#include "pylogen/requests.h"

namespace pylogen {

// Bumped whenever a type crossing the dlopen boundary changes. A CUT built
// against another version is refused with a message asking to rebuild it.
inline constexpr std::uint32_t kAbiVersion = 2;

class ClassUnderTest {
 public:
  virtual ~ClassUnderTest() = default;

  // The operation under test. Runs its requests through requests().exec().
  virtual void func() = 0;

  // Optional hooks, Pylogen's names. All run in the worker process.
  virtual void setup() {}              // once, before the first operation
  virtual void teardown() {}           // once, after the last operation
  virtual void resetBeforeSteps() {}   // before each loop over the lengths
  virtual void resetBeforeStep() {}    // before each operation, length set
  virtual void genDatas() {}           // data hooks, before func()
  virtual void processDatas() {}

  RequestsManager& requests() { return requests_; }
  // The current length token (a value of --lengths) and its numeric value
  // (0 when the token is not a number).
  std::string_view length() const { return length_; }
  std::int64_t length_value() const { return length_value_; }
  std::size_t length_index() const { return length_index_; }
  // --extra, parsed; an object (empty when none was given).
  const nlohmann::json& extra() const { return extra_; }
  const Context& context() const { return context_; }
  // The operation under way: the process' operation count (1-based), the
  // user (always 0: one call in flight per process) and, in the opened
  // model, when its event was due (monotonic ns; 0 in the closed model).
  std::uint64_t op_count() const { return op_count_; }
  std::uint32_t user() const { return 0; }
  std::int64_t intended_ns() const { return intended_ns_; }

  // ---- Called by pylogen only. ----
  void BindHost(Context context, nlohmann::json extra) {
    context_ = std::move(context);
    extra_ = std::move(extra);
    if (requests_.name()[0] == '\0') requests_.set_name(context_.cut_name);
  }
  void SetLength(std::size_t index, std::string_view token) {
    length_index_ = index;
    length_ = token;
    length_value_ = LengthValue(token);
  }
  void SetOperation(std::uint64_t op_count, std::int64_t intended_ns) {
    op_count_ = op_count;
    intended_ns_ = intended_ns;
  }
  // The number a length token stands for (0 when it is not a whole number).
  static std::int64_t LengthValue(std::string_view token) {
    std::int64_t value = 0;
    auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
    bool whole = parsed.ec == std::errc() && parsed.ptr == token.data() + token.size();
    return whole ? value : 0;
  }

 private:
  RequestsManager requests_;
  Context context_;
  nlohmann::json extra_ = nlohmann::json::object();
  std::string_view length_;
  std::int64_t length_value_ = 0;
  std::size_t length_index_ = 0;
  std::uint64_t op_count_ = 0;
  std::int64_t intended_ns_ = 0;
};

enum class CutKind : std::uint32_t {
  kBlocking = 0,  // ClassUnderTest: one call in flight per process
  kEvent = 1,     // EventClassUnderTest: up to --concurrency in flight
};

// What PYLOGEN_REGISTER_CUT exports. abi_version and layout are read and
// checked before any function of the plugin is called; they stay the first
// two fields in every version. Only the pair of `kind` is set.
struct CutDescriptor {
  std::uint32_t abi_version;
  std::uint32_t layout;  // fingerprint of the types crossing the boundary
  const char* class_name;
  CutKind kind;
  ClassUnderTest* (*create)();
  void (*destroy)(ClassUnderTest*);
  EventClassUnderTest* (*create_event)();
  void (*destroy_event)(EventClassUnderTest*);
};

// Fingerprint of the layout of the boundary types as this compiler sees them.
constexpr std::uint32_t LayoutFingerprint() {
  return static_cast<std::uint32_t>(sizeof(ClassUnderTest)) * 1000003u ^
         static_cast<std::uint32_t>(sizeof(Request)) * 10007u ^
         static_cast<std::uint32_t>(sizeof(Context)) * 101u ^
         static_cast<std::uint32_t>(sizeof(Operation)) * 7919u ^
         static_cast<std::uint32_t>(sizeof(EventClassUnderTest)) * 31u ^
         static_cast<std::uint32_t>(sizeof(nlohmann::json)) ^
         (NLOHMANN_JSON_VERSION_MAJOR * 100u + NLOHMANN_JSON_VERSION_MINOR) << 20;
}

inline constexpr const char* kDescriptorSymbol = "pylogen_cut_descriptor";

namespace detail {
template <class Class>
constexpr CutDescriptor DescriptorOf(const char* class_name) {
  constexpr bool kEvent = std::is_base_of_v<EventClassUnderTest, Class>;
  static_assert(kEvent != std::is_base_of_v<ClassUnderTest, Class>,
                "a CUT derives from exactly one of ClassUnderTest and EventClassUnderTest");
  CutDescriptor d{kAbiVersion, LayoutFingerprint(), class_name,
                  kEvent ? CutKind::kEvent : CutKind::kBlocking, nullptr, nullptr, nullptr, nullptr};
  if constexpr (kEvent) {
    d.create_event = []() -> EventClassUnderTest* { return new Class(); };
    d.destroy_event = [](EventClassUnderTest* cut) { delete cut; };
  } else {
    d.create = []() -> ClassUnderTest* { return new Class(); };
    d.destroy = [](ClassUnderTest* cut) { delete cut; };
  }
  return d;
}
}  // namespace detail

}  // namespace pylogen

// Registers `Class` (default-constructible, derived from ClassUnderTest or
// from EventClassUnderTest) as the CUT of this shared library. Use once per
// library, at namespace scope.
#define PYLOGEN_REGISTER_CUT(Class)                                 \
  extern "C" __attribute__((visibility("default")))                 \
  const ::pylogen::CutDescriptor pylogen_cut_descriptor =           \
      ::pylogen::detail::DescriptorOf<Class>(#Class)

#endif  // PYLOGEN_CUT_H_
