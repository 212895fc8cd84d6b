// scoreline-api: entry point. `scoreline-api` (or `scoreline-api serve`) runs
// the master and its workers; `--version` prints the version; `admin …` runs
// the account administration verbs (admin_cli.hpp). Settings come from
// SCORELINE_* variables (docs/configuration.md).
#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <string_view>

#include "accounts/auth_runtime.hpp"
#include "admin_cli.hpp"
#include "api_config.hpp"
#include "demo/demo_cli.hpp"
#include "log.hpp"
#include "master.hpp"
#include "routes.hpp"
#include "version.hpp"

extern char** environ;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: scoreline-api [serve]\n"
                 "       scoreline-api --version\n"
                 "       scoreline-api admin create --email EMAIL --display-name NAME  "
                 "(password on stdin)\n"
                 "       scoreline-api admin set-role --email EMAIL --role admin|user\n"
                 "       scoreline-api demo load [--data DIR]  (demo events, when there are none)\n"
                 "settings: SCORELINE_* environment variables, see docs/configuration.md\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::strcmp(argv[1], "--version") == 0)) {
        std::printf("scoreline-api %s (schema %lld)\n", api::kVersion,
                    static_cast<long long>(api::kExpectedSchema));
        return 0;
    }
    if (argc > 1 && std::strcmp(argv[1], "admin") == 0) {
        if (sodium_init() < 0) {
            std::fprintf(stderr, "scoreline-api: sodium_init failed\n");
            return 1;
        }
        return api::run_admin_command(argc - 1, argv + 1, environ);
    }
    if (argc > 1 && std::strcmp(argv[1], "demo") == 0) {
        return demo::run_demo_command(argc - 1, argv + 1, environ);
    }
    if (argc > 2 || (argc == 2 && std::strcmp(argv[1], "serve") != 0)) {
        return usage();
    }
    slog::init("scoreline-api", slog::Level::kInfo);
    if (sodium_init() < 0) {
        slog::error("sodium_init_failed");
        return 1;
    }
    try {
        auto source = config::Source::load(environ);
        for (const auto& name : source.unknown_names()) {
            slog::warn("unknown_setting", {{"name", name}});
        }
        const api::ApiConfig cfg = api::load_api_config(source);
        slog::set_level(cfg.log_level);
        // Keys, hasher and policies, loaded before the workers fork.
        accounts::install_auth_runtime(accounts::load_auth_runtime(source));
        if (const auto& sink = accounts::auth_runtime().mail_sink_file) {
            // Reset tokens go to that file: fine for a local stack, never for production.
            slog::warn("mail_sink_enabled", {{"file", *sink}});
        }
        const api::Router router = api::build_router();
        api::Master master(cfg, router);
        return master.run();
    } catch (const config::Error& e) {
        slog::error("config_invalid", {{"error", e.what()}});
        std::fprintf(stderr, "scoreline-api: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        slog::error("startup_failed", {{"error", e.what()}});
        return 1;
    }
}
