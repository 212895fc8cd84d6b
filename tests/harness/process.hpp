// Test harness: running and supervising child processes for integration and
// end-to-end tests. Used by the test binaries only, never by the servers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace harness {

using Env = std::map<std::string, std::string>;

struct RunResult {
    int exit_code = -1;  // -1 when killed by a signal or timed out
    int signal = 0;
    bool timed_out = false;
    std::string out;
    std::string err;
};

// Options for starting a child. `env` is added to (and overrides) the
// current environment; `as_user` switches to that user when we are root.
struct SpawnOptions {
    Env env;
    std::optional<std::string> as_user;
    std::string stdout_path;  // empty: a temp file read back by run_process
    std::string stderr_path;
};

// Runs argv to completion (killed after `timeout`) and returns its output.
[[nodiscard]] RunResult run_process(const std::vector<std::string>& argv, const Env& env = {},
                                    std::chrono::milliseconds timeout = std::chrono::minutes(2));

// A long-running child: started in the constructor, SIGKILLed in the
// destructor if still running.
class Process {
  public:
    Process(const std::vector<std::string>& argv, SpawnOptions options);
    Process(Process&& other) noexcept;
    Process& operator=(Process&&) = delete;
    Process(const Process&) = delete;
    ~Process();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    void signal(int sig) const;
    // Waits for exit; returns the wait status, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    [[nodiscard]] bool running();

  private:
    pid_t pid_ = -1;
    bool reaped_ = false;
};

// A port on 127.0.0.1 that was free a moment ago.
[[nodiscard]] int free_port();
// A fresh directory under $TMPDIR (or /tmp), removed by the caller's TempDir.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix);
    TempDir(const TempDir&) = delete;
    ~TempDir();
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
};

// The unprivileged user that runs PostgreSQL when the tests run as root.
[[nodiscard]] std::optional<std::string> unprivileged_user();
void chown_to(const std::string& path, const std::string& user);
[[nodiscard]] std::string read_file(const std::string& path);
// The pids of `pid`'s children (/proc/PID/task/PID/children).
[[nodiscard]] std::vector<pid_t> children_of(pid_t pid);
void write_file(const std::string& path, const std::string& content);

// Polls `ready` every 50 ms until it returns true or `timeout` passes.
template <class F>
bool wait_until(F&& ready, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (ready()) {
            return true;
        }
        struct timespec ts {
            0, 50 * 1000 * 1000
        };
        nanosleep(&ts, nullptr);
    }
    return ready();
}

}  // namespace harness
