// Command line of scoreline-migrate: `scoreline-migrate [options] COMMAND`,
// options before or after the command. Parsing only; no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace migrate {

enum class Command { kUp, kDown, kStatus, kVerify };

struct Options {
    Command command = Command::kStatus;
    std::optional<std::string> dir;         // --dir
    std::chrono::seconds lock_timeout{60};  // --lock-timeout
    std::optional<int> to;                  // up --to N
    int steps = 1;                          // down --steps N
    bool dry_run = false;                   // up/down --dry-run
    bool help = false;                      // -h / --help
};

// A command line that does not make sense; what() says why (exit code 2).
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Parses argv[1..]. Accepts `--name value` and `--name=value`. Throws
// UsageError for an unknown option or command, a missing or bad value, or an
// option that does not go with the command (--to without up, ...).
[[nodiscard]] Options parse_options(const std::vector<std::string_view>& args);

// The --help text, which also lists the environment and the exit codes.
[[nodiscard]] std::string_view usage_text() noexcept;

}  // namespace migrate
