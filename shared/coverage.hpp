// coverage::: gcov's counters in processes that never reach exit(). A
// scoreline-api worker leaves with _exit() (it must not run the master's
// atexit handlers), so under --coverage it writes its counters itself first;
// a forked child also clears the counts it inherited, so the master's work is
// not counted once more for every worker. Without SCORELINE_COVERAGE both are
// empty. Any process, any thread; async-signal-safe it is not.
#pragma once

#ifdef SCORELINE_COVERAGE
extern "C" void __gcov_dump(void);   // NOLINT(bugprone-reserved-identifier): libgcov's API
extern "C" void __gcov_reset(void);  // NOLINT(bugprone-reserved-identifier)
#endif

namespace coverage {

// Writes this process's counters to the .gcda files (merged with what is there).
inline void flush() noexcept {
#ifdef SCORELINE_COVERAGE
    __gcov_dump();
#endif
}

// In a child right after fork(): zero the counters inherited from the parent.
inline void reset_after_fork() noexcept {
#ifdef SCORELINE_COVERAGE
    __gcov_reset();
#endif
}

}  // namespace coverage
