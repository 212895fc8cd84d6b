// scoreline-sse: entry point. Reads the SCORELINE_* settings, raises
// RLIMIT_NOFILE to its hard limit and logs the resulting capacity, then runs
// the stream server, the outbox reader and the ops endpoint on one epoll loop
// until SIGTERM/SIGINT, which drains and closes every stream. Exit codes:
// 0 after a clean shutdown, 1 when it cannot start, 2 for a bad setting.
#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "async_connection.hpp"
#include "log.hpp"
#include "loop.hpp"
#include "metrics.hpp"
#include "ops_endpoint.hpp"
#include "server.hpp"
#include "settings.hpp"
#include "version.hpp"

extern char** environ;

namespace {

// Descriptors kept back from the streams: listeners, epoll, signalfd, the
// database socket, the ops endpoint's connections, log files.
constexpr std::size_t kReservedFds = 128;

sse::Capacity raise_nofile(const sse::Settings& settings) {
    struct rlimit rl {};
    (void)::getrlimit(RLIMIT_NOFILE, &rl);
    const rlim_t before = rl.rlim_cur;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            rl.rlim_cur = before;
        }
    }
    const std::size_t limit = rl.rlim_cur == RLIM_INFINITY ? 1'000'000 : rl.rlim_cur;
    sse::Capacity cap;
    cap.max_open = limit > kReservedFds * 2 ? limit - kReservedFds : limit / 2;
    const std::size_t derived = cap.max_open * 95 / 100;  // the rest answers 503 properly
    cap.max_streams =
        settings.max_connections == 0 ? derived : std::min(settings.max_connections, derived);
    slog::info("capacity", {{"nofile_before", before},
                            {"nofile", limit},
                            {"nofile_hard", rl.rlim_max == RLIM_INFINITY ? 0 : rl.rlim_max},
                            {"max_streams", cap.max_streams},
                            {"max_open_sockets", cap.max_open}});
    return cap;
}

int signal_fd() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) {
        return -1;
    }
    return ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

int run(const sse::Settings& settings) {
    const sse::Capacity capacity = raise_nofile(settings);
    ::signal(SIGPIPE, SIG_IGN);
    const int sigfd = signal_fd();
    if (sigfd < 0) {
        slog::error("startup_failed",
                    {{"error", std::string("signalfd: ") + std::strerror(errno)}});
        return 1;
    }
    sse::Loop loop;
    sse::Server* server = nullptr;
    sse::AsyncConnectionOptions db_options;
    db_options.url = settings.database_url;
    db_options.listen_channels = {"scoreline_outbox"};
    db_options.statement_timeout = settings.statement_timeout;
    db_options.reconnect_max = settings.reconnect_max;
    sse::AsyncConnection db(loop, db_options,
                            {[&] { server->on_db_ready(); }, [&] { server->on_db_lost(); },
                             [&] { server->on_db_notify(); }});
    sse::Server stream_server(loop, settings, capacity, db);
    server = &stream_server;
    std::optional<sse::OpsEndpoint> ops;
    if (settings.ops_listen) {
        ops.emplace(
            loop, *settings.ops_listen, settings.http,
            [&] { return sse::render_metrics(stream_server.gauges()); },
            [&] {
                const sse::Gauges g = stream_server.gauges();
                return nlohmann::json({{"status", "ok"},
                                       {"database", g.db_connected ? "up" : "down"},
                                       {"positioned", stream_server.positioned()},
                                       {"streams", g.streaming}})
                    .dump();
            });
    }
    try {
        stream_server.start();
        if (ops) {
            ops->start();
        }
    } catch (const std::exception& e) {
        slog::error("startup_failed", {{"error", e.what()}});
        return 1;
    }
    db.start();
    loop.watch(sigfd, EPOLLIN, [&](std::uint32_t) {
        struct signalfd_siginfo info {};
        while (::read(sigfd, &info, sizeof info) == sizeof info) {
            slog::info("shutdown_requested",
                       {{"signal", ::strsignal(static_cast<int>(info.ssi_signo))}});
            stream_server.shutdown([&] {
                db.close();
                if (ops) {
                    ops->stop();
                }
                loop.stop();
            });
        }
    });
    nlohmann::json started = {{"listen", "unix:" + settings.listen.path},
                              {"tickets", settings.tickets_enabled}};
    if (settings.tcp_listen) {
        started["tcp_listen"] =
            settings.tcp_listen->host + ":" + std::to_string(settings.tcp_listen->port);
    }
    if (settings.ops_listen) {
        started["ops_listen"] =
            settings.ops_listen->host + ":" + std::to_string(settings.ops_listen->port);
    }
    slog::info("started", started);
    loop.run();
    loop.unwatch(sigfd);
    ::close(sigfd);
    slog::info("stopped");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && (std::strcmp(argv[1], "--version") == 0)) {
        std::printf("scoreline-sse %s (%s)\n", sse::kVersion, sse::kCommit);
        return 0;
    }
    if (argc > 1) {
        std::fprintf(stderr,
                     "usage: scoreline-sse [--version]\n"
                     "settings: SCORELINE_* environment variables, see docs/configuration.md\n");
        return 2;
    }
    slog::init("scoreline-sse", slog::Level::kInfo);
    if (sodium_init() < 0) {
        slog::error("sodium_init_failed");
        return 1;
    }
    sse::Settings settings;
    try {
        const auto source = config::Source::load(environ);
        for (const auto& name : source.unknown_names()) {
            slog::warn("unknown_setting", {{"name", name}});
        }
        settings = sse::load_settings(source);
    } catch (const config::Error& e) {
        slog::error("config_invalid", {{"error", e.what()}});
        std::fprintf(stderr, "scoreline-sse: %s\n", e.what());
        return 2;
    }
    slog::set_level(settings.log_level);
    if (!settings.tickets_enabled) {
        slog::warn("stream_tickets_disabled",
                   {{"detail",
                     "no SCORELINE_JWT_SIGNING_KEY or SCORELINE_JWT_VERIFY_KEYS: "
                     "private streams answer 403"}});
    }
    try {
        return run(settings);
    } catch (const std::exception& e) {
        slog::error("fatal", {{"error", e.what()}});
        return 1;
    }
}
