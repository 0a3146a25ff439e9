// ThreadSanitizer annotations for Abseil's synchronization primitives and
// absl::Status's reference count, linked into every executable of the
// SIGNET_SANITIZER=thread build only (cmake/sanitizers.cmake).
//
// Why: Debian's libabsl_synchronization.so is not built with TSan, and
// absl::Mutex blocks on a raw futex syscall that TSan does not intercept. To
// TSan, two threads taking turns under an absl::Mutex are not synchronized at
// all, so every ABSL_GUARDED_BY field would be reported as a race, in signet's
// own frames: nothing a suppression may hide. An Abseil built with TSan
// annotates itself (ABSL_TSAN_MUTEX_* in mutex.cc); Debian's is not.
//
// How: this library defines the blocking entry points again. The executable
// links it ahead of Abseil, so the dynamic linker binds every call to them
// here: signet's, gRPC's (grpc_core::Mutex and gpr_mu are absl::Mutex) and
// Abseil's own, which go through the PLT. Each forwards to Abseil's definition
// (dlsym RTLD_NEXT) and tells TSan about the happens-before edge: release
// before a mutex is given up, acquire after it is taken. That is all TSan
// learns; it does not check lock order for absl::Mutex.
//
// absl::Status shares its heap part between copies under an atomic count
// whose decrement is in the library too: the thread dropping the last copy
// deletes it with no visible ordering after the other copies' reads, and
// TSan reports the delete as racing with them. Status::UnrefNonInlined is
// replaced the same way.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

#define SIGNET_STRINGIFY_INNER(x) #x
#define SIGNET_STRINGIFY(x) SIGNET_STRINGIFY_INNER(x)

// The Itanium-mangled name of an Abseil member: `tail` is what follows the
// absl[::inline namespace] prefix, with '@' where the mangling refers back to
// that namespace (S0_ with an inline namespace, S_ without). Built at run
// time so that Debian's inline namespace name (debian3) is not hard-coded.
std::string AbslSymbol(bool is_const, const char* tail) {
  std::string name = is_const ? "_ZNK4absl" : "_ZN4absl";
#if ABSL_OPTION_USE_INLINE_NAMESPACE
  const char* inline_namespace =
      SIGNET_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  name += std::to_string(std::strlen(inline_namespace)) + inline_namespace;
  const char* back_reference = "S0_";
#else
  const char* back_reference = "S_";
#endif
  for (const char* c = tail; *c != '\0'; ++c) {
    if (*c == '@') {
      name += back_reference;
    } else {
      name += *c;
    }
  }
  return name;
}

// Abseil's own definition of the member this library replaces.
template <typename Fn>
Fn Next(bool is_const, const char* tail) {
  const std::string name = AbslSymbol(is_const, tail);
  void* next = dlsym(RTLD_NEXT, name.c_str());
  if (next == nullptr) {
    std::fprintf(stderr,
                 "absl_tsan_annotations: %s not found (%s); does "
                 "tools/sanitizers/absl_tsan_annotations.cc match this "
                 "Abseil?\n",
                 name.c_str(), dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(next);
}

#define SIGNET_NEXT(type, tail) static const auto next = Next<type>(false, tail)
#define SIGNET_NEXT_CONST(type, tail) \
  static const auto next = Next<type>(true, tail)

void Acquire(const void* sync) { __tsan_acquire(const_cast<void*>(sync)); }
void Release(const void* sync) { __tsan_release(const_cast<void*>(sync)); }

// The caller's condition, evaluated as a critical section of its own. Abseil
// evaluates conditions with the mutex held but inside the library: before
// Await/LockWhen returns, and possibly on another thread (the one unlocking),
// so the predicate needs edges of its own: from the waiter (which built the
// Condition), from the mutex's previous holders, and to its next ones.
class AnnotatedCondition {
 public:
  AnnotatedCondition(const absl::Mutex* mu, const absl::Condition* condition)
      : mu_(mu), condition_(condition) {}

  // To pass to Abseil instead of the caller's; `this` must outlive the call.
  absl::Condition Get() {
    Release(this);
    return absl::Condition(&AnnotatedCondition::Eval, this);
  }

 private:
  static bool Eval(AnnotatedCondition* self) {
    Acquire(self);
    Acquire(self->mu_);
    const bool met = self->condition_->Eval();
    Release(self->mu_);
    return met;
  }

  const absl::Mutex* mu_;
  const absl::Condition* condition_;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  SIGNET_NEXT(void (*)(Mutex*), "5Mutex4LockEv");
  next(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  SIGNET_NEXT(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  next(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  SIGNET_NEXT(bool (*)(Mutex*), "5Mutex7TryLockEv");
  const bool locked = next(this);
  if (locked) Acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  SIGNET_NEXT(bool (*)(Mutex*), "5Mutex13ReaderTryLockEv");
  const bool locked = next(this);
  if (locked) Acquire(this);
  return locked;
}

void Mutex::Unlock() {
  SIGNET_NEXT(void (*)(Mutex*), "5Mutex6UnlockEv");
  Release(this);
  next(this);
}

void Mutex::ReaderUnlock() {
  SIGNET_NEXT(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  Release(this);
  next(this);
}

// Await* give the mutex up while waiting and hold it again on return;
// LockWhen* and ReaderLockWhen* take it.
void Mutex::Await(const Condition& cond) {
  SIGNET_NEXT(void (*)(Mutex*, const Condition&),
              "5Mutex5AwaitERKN@9ConditionE");
  AnnotatedCondition annotated(this, &cond);
  Release(this);
  next(this, annotated.Get());
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Duration),
              "5Mutex16AwaitWithTimeoutERKN@9ConditionEN@8DurationE");
  AnnotatedCondition annotated(this, &cond);
  Release(this);
  const bool met = next(this, annotated.Get(), timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Time),
              "5Mutex17AwaitWithDeadlineERKN@9ConditionEN@4TimeE");
  AnnotatedCondition annotated(this, &cond);
  Release(this);
  const bool met = next(this, annotated.Get(), deadline);
  Acquire(this);
  return met;
}

void Mutex::LockWhen(const Condition& cond) {
  SIGNET_NEXT(void (*)(Mutex*, const Condition&),
              "5Mutex8LockWhenERKN@9ConditionE");
  AnnotatedCondition annotated(this, &cond);
  next(this, annotated.Get());
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Duration),
              "5Mutex19LockWhenWithTimeoutERKN@9ConditionEN@8DurationE");
  AnnotatedCondition annotated(this, &cond);
  const bool met = next(this, annotated.Get(), timeout);
  Acquire(this);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Time),
              "5Mutex20LockWhenWithDeadlineERKN@9ConditionEN@4TimeE");
  AnnotatedCondition annotated(this, &cond);
  const bool met = next(this, annotated.Get(), deadline);
  Acquire(this);
  return met;
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  SIGNET_NEXT(void (*)(Mutex*, const Condition&),
              "5Mutex14ReaderLockWhenERKN@9ConditionE");
  AnnotatedCondition annotated(this, &cond);
  next(this, annotated.Get());
  Acquire(this);
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Duration),
              "5Mutex25ReaderLockWhenWithTimeoutERKN@9ConditionEN@8DurationE");
  AnnotatedCondition annotated(this, &cond);
  const bool met = next(this, annotated.Get(), timeout);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  SIGNET_NEXT(bool (*)(Mutex*, const Condition&, Time),
              "5Mutex26ReaderLockWhenWithDeadlineERKN@9ConditionEN@4TimeE");
  AnnotatedCondition annotated(this, &cond);
  const bool met = next(this, annotated.Get(), deadline);
  Acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  SIGNET_NEXT(void (*)(CondVar*, Mutex*), "7CondVar4WaitEPN@5MutexE");
  Release(mu);
  next(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  SIGNET_NEXT(bool (*)(CondVar*, Mutex*, Duration),
              "7CondVar15WaitWithTimeoutEPN@5MutexEN@8DurationE");
  Release(mu);
  const bool timed_out = next(this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  SIGNET_NEXT(bool (*)(CondVar*, Mutex*, Time),
              "7CondVar16WaitWithDeadlineEPN@5MutexEN@4TimeE");
  Release(mu);
  const bool timed_out = next(this, mu, deadline);
  Acquire(mu);
  return timed_out;
}

// Notification's waits return at once, reading its atomic flag in the
// library (uninstrumented), when Notify() came first; HasBeenNotified() is
// inline and reads it in the caller (instrumented, as an acquire load). The
// edge is put on the flag itself, so both see Notify()'s release.
const void* NotifiedFlag(const Notification* notification) {
  // notification.h: `Mutex mutex_; std::atomic<bool> notified_yet_;`.
  static_assert(sizeof(Notification) == 2 * sizeof(Mutex),
                "Notification is no longer {Mutex, atomic<bool>}");
  return reinterpret_cast<const char*>(notification) + sizeof(Mutex);
}

void Notification::Notify() {
  SIGNET_NEXT(void (*)(Notification*), "12Notification6NotifyEv");
  Release(NotifiedFlag(this));
  next(this);
}

void Notification::WaitForNotification() const {
  SIGNET_NEXT_CONST(void (*)(const Notification*),
                    "12Notification19WaitForNotificationEv");
  next(this);
  Acquire(NotifiedFlag(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  SIGNET_NEXT_CONST(
      bool (*)(const Notification*, Duration),
      "12Notification30WaitForNotificationWithTimeoutEN@8DurationE");
  const bool notified = next(this, timeout);
  if (notified) Acquire(NotifiedFlag(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  SIGNET_NEXT_CONST(bool (*)(const Notification*, Time),
                    "12Notification31WaitForNotificationWithDeadlineEN@4TimeE");
  const bool notified = next(this, deadline);
  if (notified) Acquire(NotifiedFlag(this));
  return notified;
}

// A decrement that is not the last only touches an atomic in the library;
// Wait() must see the writes before every one of them.
bool BlockingCounter::DecrementCount() {
  SIGNET_NEXT(bool (*)(BlockingCounter*),
              "15BlockingCounter14DecrementCountEv");
  Release(this);
  return next(this);
}

void BlockingCounter::Wait() {
  SIGNET_NEXT(void (*)(BlockingCounter*), "15BlockingCounter4WaitEv");
  next(this);
  Acquire(this);
}

// The library's decrement is acq_rel, and the last one deletes: each drop
// of a copy publishes the dropping thread's accesses (release) and takes
// those of the drops before it (acquire), so the delete comes after all.
void Status::UnrefNonInlined(uintptr_t rep) {
  SIGNET_NEXT(void (*)(uintptr_t), "6Status15UnrefNonInlinedEm");
  const void* shared = reinterpret_cast<const void*>(rep);
  Release(shared);
  Acquire(shared);
  next(rep);
}

ABSL_NAMESPACE_END
}  // namespace absl
