// The admin verbs of scoreline-api; see admin_cli.hpp.
#include "admin_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "accounts/auth_runtime.hpp"
#include "accounts/registration.hpp"
#include "api_config.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"

namespace api {
namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: scoreline-api admin create --email EMAIL --display-name NAME\n"
                 "           (the password is read from stdin, one line)\n"
                 "       scoreline-api admin set-role --email EMAIL --role admin|user\n");
    return 2;
}

// --name value pairs; nullopt on anything else (unknown or repeated option).
std::optional<std::map<std::string, std::string>> parse_options(
    int argc, char** argv, std::initializer_list<const char*> allowed) {
    std::map<std::string, std::string> out;
    for (int i = 0; i < argc; ++i) {
        const std::string name = argv[i];
        bool known = false;
        for (const char* a : allowed) {
            known = known || name == a;
        }
        if (name == "--password") {
            std::fprintf(stderr,
                         "scoreline-api admin: the password is never taken from the "
                         "command line; pipe it to stdin\n");
            return std::nullopt;
        }
        if (!known || i + 1 >= argc || out.contains(name)) {
            return std::nullopt;
        }
        out[name] = argv[++i];
    }
    if (out.size() != allowed.size()) {
        return std::nullopt;
    }
    return out;
}

// One line from stdin without its line end. On a terminal: no echo, asked twice.
std::optional<std::string> read_password() {
    const bool tty = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    auto read_line = [&](const char* prompt) -> std::optional<std::string> {
        if (tty) {
            std::fprintf(stderr, "%s", prompt);
            termios quiet{};
            ::tcgetattr(STDIN_FILENO, &saved);
            quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        std::string line;
        const bool ok = static_cast<bool>(std::getline(std::cin, line));
        if (tty) {
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
            std::fprintf(stderr, "\n");
        }
        if (!ok) {
            return std::nullopt;
        }
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    };
    auto first = read_line("Password: ");
    if (!first || !tty) {
        return first;
    }
    auto second = read_line("Repeat the password: ");
    if (!second || *second != *first) {
        std::fprintf(stderr, "scoreline-api admin: the passwords differ\n");
        return std::nullopt;
    }
    return first;
}

int create(int argc, char** argv, const config::Source& src) {
    auto opts = parse_options(argc, argv, {"--email", "--display-name"});
    if (!opts) {
        return usage();
    }
    auto password = read_password();
    if (!password) {
        std::fprintf(stderr, "scoreline-api admin: no password on stdin\n");
        return 1;
    }
    const ApiConfig cfg = load_api_config(src);
    db::Connection conn = db::Connection::open(cfg.database);
    accounts::AuthRuntime runtime{accounts::load_password_rules(src), {}, {}, std::nullopt};
    accounts::Call call{conn, runtime, {}, cfg.db_retry_attempts};
    try {
        const accounts::User user = accounts::register_account(
            call, {(*opts)["--email"], (*opts)["--display-name"], *password}, "admin");
        std::printf("created admin %lld <%s>\n", static_cast<long long>(user.id),
                    user.email.c_str());
        return 0;
    } catch (const domain::Refusal& r) {
        if (r.kind() == domain::Refusal::Kind::kConflict) {
            std::fprintf(stderr,
                         "scoreline-api admin: an account with this email exists; use "
                         "'scoreline-api admin set-role --email EMAIL --role admin'\n");
            return 1;
        }
        for (const auto& e : r.fields()) {
            std::fprintf(stderr, "scoreline-api admin: %s %s\n", e.field.c_str(),
                         e.message.c_str());
        }
        return 1;
    }
}

int set_role(int argc, char** argv, const config::Source& src) {
    auto opts = parse_options(argc, argv, {"--email", "--role"});
    if (!opts || ((*opts)["--role"] != "admin" && (*opts)["--role"] != "user")) {
        return usage();
    }
    const ApiConfig cfg = load_api_config(src);
    db::Connection conn = db::Connection::open(cfg.database);
    accounts::AuthRuntime runtime{accounts::load_password_rules(src), {}, {}, std::nullopt};
    accounts::Call call{conn, runtime, {}, cfg.db_retry_attempts};
    accounts::RoleChange change;
    try {
        change = accounts::set_role(call, (*opts)["--email"], (*opts)["--role"]);
    } catch (const domain::Refusal&) {
        std::fprintf(stderr, "scoreline-api admin: no account with this email\n");
        return 1;
    }
    switch (change.status) {
        case accounts::RoleChange::Status::kChanged:
            std::printf("user %lld: role %s -> %s\n", static_cast<long long>(change.user_id),
                        change.old_role.c_str(), (*opts)["--role"].c_str());
            return 0;
        case accounts::RoleChange::Status::kUnchanged:
            std::printf("user %lld: role is %s already\n", static_cast<long long>(change.user_id),
                        change.old_role.c_str());
            return 0;
    }
    return 1;
}

}  // namespace

int run_admin_command(int argc, char** argv, char** envp) {
    if (argc < 2) {
        return usage();
    }
    slog::init("scoreline-api", slog::Level::kWarn);
    try {
        const auto src = config::Source::load(envp);
        const std::string verb = argv[1];
        if (verb == "create") {
            return create(argc - 2, argv + 2, src);
        }
        if (verb == "set-role") {
            return set_role(argc - 2, argv + 2, src);
        }
        return usage();
    } catch (const config::Error& e) {
        std::fprintf(stderr, "scoreline-api admin: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "scoreline-api admin: %s\n", e.what());
        return 1;
    }
}

}  // namespace api
