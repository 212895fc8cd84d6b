// scoreline-migrate command-line parsing (see options.hpp).
#include "options.hpp"

#include <charconv>

namespace migrate {
namespace {

constexpr std::string_view kUsage =
    "usage: scoreline-migrate [options] COMMAND\n"
    "\n"
    "commands:\n"
    "  up        apply pending migrations, each in its own transaction\n"
    "            (all of them, or up to and including --to N)\n"
    "  down      roll back the newest applied migrations (--steps N, default 1)\n"
    "  status    list every migration: applied or pending, checksum ok or changed\n"
    "  verify    check that every applied migration still matches its file\n"
    "\n"
    "options:\n"
    "  --dir DIR               migrations directory (default: $SCORELINE_MIGRATIONS_DIR,\n"
    "                          else the source tree's migrations/)\n"
    "  --lock-timeout SECONDS  how long to wait for the migration lock (default 60;\n"
    "                          0 = try once)\n"
    "  --to N                  up: stop after version N\n"
    "  --steps N               down: how many migrations to roll back (default 1)\n"
    "  --dry-run               up/down: print the plan, run it inside one transaction\n"
    "                          and roll it back\n"
    "  -h, --help              this text\n"
    "\n"
    "environment:\n"
    "  SCORELINE_DATABASE_URL                  libpq connection string or URI (required)\n"
    "  SCORELINE_MIGRATIONS_DIR                default for --dir\n"
    "  SCORELINE_MIGRATE_LOCK_TIMEOUT_MS       lock_timeout of each migration (default 5000)\n"
    "  SCORELINE_MIGRATE_STATEMENT_TIMEOUT_MS  statement_timeout of each migration (default 0,\n"
    "                                          none)\n"
    "\n"
    "exit codes:\n"
    "  0  ok (also: nothing to do)\n"
    "  1  a migration failed (the database stays at the last good version), or the\n"
    "     database or the migrations directory could not be used\n"
    "  2  usage: bad command line or configuration\n"
    "  3  the migration lock was not free within --lock-timeout (the holder is named)\n"
    "  4  an applied migration's file changed or is missing, or history is out of order\n";

[[nodiscard]] long parse_number(std::string_view option, std::string_view text, long min,
                                long max) {
    long value = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || p != text.data() + text.size() || value < min || value > max) {
        throw UsageError(std::string(option) + ": expected a whole number from " +
                         std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                         std::string(text) + "'");
    }
    return value;
}

[[nodiscard]] Command parse_command(std::string_view word) {
    if (word == "up") {
        return Command::kUp;
    }
    if (word == "down") {
        return Command::kDown;
    }
    if (word == "status") {
        return Command::kStatus;
    }
    if (word == "verify") {
        return Command::kVerify;
    }
    throw UsageError("unknown command '" + std::string(word) +
                     "' (expected up, down, status or verify)");
}

}  // namespace

Options parse_options(const std::vector<std::string_view>& args) {
    Options o;
    std::optional<Command> command;
    bool steps_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view arg = args[i];
        std::optional<std::string_view> inline_value;
        if (arg.starts_with("--")) {
            if (const auto eq = arg.find('='); eq != std::string_view::npos) {
                inline_value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
            }
        }
        // The value of an option: after '=' or the next argument.
        auto value = [&]() -> std::string_view {
            if (inline_value) {
                return *inline_value;
            }
            if (i + 1 >= args.size()) {
                throw UsageError(std::string(arg) + ": missing value");
            }
            return args[++i];
        };
        auto no_value = [&] {
            if (inline_value) {
                throw UsageError(std::string(arg) + ": takes no value");
            }
        };
        if (arg == "-h" || arg == "--help") {
            no_value();
            o.help = true;
        } else if (arg == "--dir") {
            o.dir = std::string(value());
            if (o.dir->empty()) {
                throw UsageError("--dir: empty");
            }
        } else if (arg == "--lock-timeout") {
            o.lock_timeout = std::chrono::seconds(parse_number(arg, value(), 0, 86400));
        } else if (arg == "--to") {
            o.to = static_cast<int>(parse_number(arg, value(), 0, 9999));
        } else if (arg == "--steps") {
            o.steps = static_cast<int>(parse_number(arg, value(), 1, 9999));
            steps_given = true;
        } else if (arg == "--dry-run") {
            no_value();
            o.dry_run = true;
        } else if (arg.starts_with("-")) {
            throw UsageError("unknown option '" + std::string(arg) + "'");
        } else if (command) {
            throw UsageError("unexpected argument '" + std::string(arg) + "'");
        } else {
            command = parse_command(arg);
        }
    }
    if (o.help) {
        return o;
    }
    if (!command) {
        throw UsageError("no command given");
    }
    o.command = *command;
    if (o.to && o.command != Command::kUp) {
        throw UsageError("--to goes with up only");
    }
    if (steps_given && o.command != Command::kDown) {
        throw UsageError("--steps goes with down only");
    }
    if (o.dry_run && o.command != Command::kUp && o.command != Command::kDown) {
        throw UsageError("--dry-run goes with up or down only");
    }
    return o;
}

std::string_view usage_text() noexcept {
    return kUsage;
}

}  // namespace migrate
