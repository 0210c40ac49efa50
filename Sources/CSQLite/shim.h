#ifndef SCHEMAGEN_CSQLITE_SHIM_H
#define SCHEMAGEN_CSQLITE_SHIM_H
#include <sqlite3.h>

/* For the runtime's DatabasePool: a word read and written atomically (a flag or a counter that a
   spinning thread watches without taking a lock, or a count of the threads spinning), and the CPU's spin-wait hint. */
static inline long schemagen_atomic_load(const long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void schemagen_atomic_store(long *p, long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline long schemagen_atomic_add(long *p, long v) { return __atomic_fetch_add(p, v, __ATOMIC_ACQ_REL); }
static inline void schemagen_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}
#endif
