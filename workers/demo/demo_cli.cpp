// The demo verb of scoreline-api; see demo_cli.hpp.
#include "demo/demo_cli.hpp"

#include <sodium.h>

#include <cstdio>
#include <string>

#include "accounts/auth_runtime.hpp"
#include "accounts/registration.hpp"
#include "accounts/user_repository.hpp"
#include "api_config.hpp"
#include "auth/base64url.hpp"
#include "demo/demo_loader.hpp"
#include "demo/demo_repository.hpp"
#include "domain/refusal.hpp"
#include "log.hpp"

namespace demo {
namespace {

constexpr const char* kOrganizerEmail = "demo-organizer@example.org";

int usage() {
    std::fprintf(stderr,
                 "usage: scoreline-api demo load [--data DIR]\n"
                 "       (DIR holds the openfootball files; default " SCORELINE_DEMO_DATA ")\n");
    return 2;
}

// The demo organizer's id: registered now (random password, never shown) or found.
std::int64_t demo_organizer(db::Connection& conn, const config::Source& src, int attempts) {
    accounts::AuthRuntime runtime{accounts::load_password_rules(src), {}, {}, std::nullopt};
    accounts::Call call{conn, runtime, {}, attempts};
    unsigned char raw[24];
    randombytes_buf(raw, sizeof raw);
    const std::string password =
        "Demo-" + auth::base64url_encode(std::string(reinterpret_cast<char*>(raw), sizeof raw));
    try {
        return accounts::register_account(call, {kOrganizerEmail, "Scoreline demo", password},
                                          "user")
            .id;
    } catch (const domain::Refusal& r) {
        if (r.kind() != domain::Refusal::Kind::kConflict) {
            throw std::runtime_error("the demo organizer account was refused");
        }
    }
    return db::with_retry(conn, attempts, [&](db::Tx& tx) {
        return accounts::users::find_by_email(tx, kOrganizerEmail)->user.id;
    });
}

int load(const std::string& data_dir, const config::Source& src) {
    const api::ApiConfig cfg = api::load_api_config(src);
    db::Connection conn = db::Connection::open(cfg.database);
    const auto events = db::with_retry(conn, cfg.db_retry_attempts,
                                       [](db::Tx& tx) { return demo_repo::event_count(tx); });
    if (events > 0) {
        std::printf("demo: the database holds %lld events; nothing loaded\n",
                    static_cast<long long>(events));
        return 0;
    }
    // Long transactions on a big schedule: no per-statement limit here.
    (void)conn.exec_script("SET statement_timeout = 0");
    tournament::Caller organizer;
    // The demo replays past seasons now, all in one go: every game would be
    // "reported late" and the loader's writes one long burst. The other
    // detectors run as for any write, so the demo has its real alerts.
    domain::integrity::Thresholds integrity = cfg.integrity;
    integrity.timing_checks = false;
    integrity.burst_check = false;
    organizer.integrity = &integrity;
    organizer.actor =
        authz::Actor{demo_organizer(conn, src, cfg.db_retry_attempts), authz::GlobalRole::kUser};
    const DemoResult result = load_demo(conn, organizer, data_dir);
    if (!result.loaded) {
        std::printf("demo: another loader was first; nothing loaded\n");
        return 0;
    }
    for (const auto& line : result.events) {
        std::printf("demo: loaded %s\n", line.c_str());
    }
    return 0;
}

}  // namespace

int run_demo_command(int argc, char** argv, char** envp) {
    if (argc < 2 || std::string(argv[1]) != "load" || (argc != 2 && argc != 4) ||
        (argc == 4 && std::string(argv[2]) != "--data")) {
        return usage();
    }
    slog::init("scoreline-api", slog::Level::kWarn);
    if (sodium_init() < 0) {
        std::fprintf(stderr, "scoreline-api demo: sodium_init failed\n");
        return 1;
    }
    try {
        const auto src = config::Source::load(envp);
        return load(argc == 4 ? argv[3] : SCORELINE_DEMO_DATA, src);
    } catch (const config::Error& e) {
        std::fprintf(stderr, "scoreline-api demo: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "scoreline-api demo: %s (nothing was loaded)\n", e.what());
        return 1;
    }
}

}  // namespace demo
