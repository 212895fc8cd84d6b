// The supervisor loop; see master.hpp. Signals reach the loop through a
// self-pipe, so all decisions are made outside signal handlers.
#include "master.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include "coverage.hpp"
#include "log.hpp"
#include "observability/listen_queue.hpp"
#include "observability/metrics.hpp"
#include "ratelimit/limit_setting.hpp"
#include "worker.hpp"

namespace api {
namespace {

int g_signal_pipe[2] = {-1, -1};

void on_signal(int sig) {
    const int saved = errno;
    const unsigned char b = static_cast<unsigned char>(sig);
    (void)!::write(g_signal_pipe[1], &b, 1);
    errno = saved;
}

// A worker that dies sooner than this after its start counts as a crash loop.
constexpr auto kStableAfter = std::chrono::seconds(5);
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);

std::string describe_status(int status) {
    if (WIFEXITED(status)) {
        return "exit " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return std::string("signal ") + ::strsignal(WTERMSIG(status));
    }
    return "status " + std::to_string(status);
}

// The `cause` label of scoreline_pool_worker_exits_total.
std::string_view exit_cause(bool clean, bool retiring, bool shutting_down) {
    if (!clean) {
        return "crash";
    }
    if (retiring) {
        return "reload";
    }
    return shutting_down ? "shutdown" : "max_requests";
}

}  // namespace

Master::Master(const ApiConfig& config, const Router& router) : config_(config), router_(router) {}

void Master::open_socket() {
    if (config_.listen.kind == config::ListenAddress::Kind::kUnix) {
        const std::string& path = config_.listen.path;
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0) {
            // A socket file left by a crash is removed; one that still
            // answers belongs to a running instance and is left alone.
            int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const bool alive =
                ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
            ::close(probe);
            if (alive) {
                throw std::runtime_error("SCORELINE_LISTEN: " + path +
                                         " is in use by a running server");
            }
            if (!S_ISSOCK(st.st_mode)) {
                throw std::runtime_error("SCORELINE_LISTEN: " + path +
                                         " exists and is not a socket");
            }
            ::unlink(path.c_str());
        }
        listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (listen_fd_ < 0 ||
            ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("SCORELINE_LISTEN: cannot bind " + path + ": " +
                                     std::strerror(errno));
        }
        ::chmod(path.c_str(), config_.socket_mode);
    } else {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(config_.listen.port);
        if (::inet_pton(AF_INET, config_.listen.host.c_str(), &addr.sin_addr) != 1) {
            throw std::runtime_error("SCORELINE_LISTEN: host must be an IPv4 address, got '" +
                                     config_.listen.host + "'");
        }
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("SCORELINE_LISTEN: cannot bind " + config_.listen.host + ":" +
                                     std::to_string(config_.listen.port) + ": " +
                                     std::strerror(errno));
        }
    }
    if (::listen(listen_fd_, 4096) != 0) {
        throw std::runtime_error(std::string("listen: ") + std::strerror(errno));
    }
}

void Master::spawn_worker() {
    const int board_slot = scoreboard_->claim();
    if (board_slot < 0) {
        slog::warn("scoreboard_full", {{"slots", scoreboard_->capacity()}});
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        slog::error("worker_fork_failed", {{"error", std::strerror(errno)}});
        if (board_slot >= 0) {
            scoreboard_->release(board_slot, 0);
        }
        ++missing_;
        return;
    }
    if (pid == 0) {
        coverage::reset_after_fork();
        obs::set_current_slot(board_slot);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // a worker never outlives its master
        ::close(g_signal_pipe[0]);
        ::close(g_signal_pipe[1]);
        for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) {
            std::signal(sig, SIG_DFL);
        }
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        int code = 1;
        try {
            code = run_worker(listen_fd_, config_, router_, buckets_.get(), *db_health_);
        } catch (const std::exception& e) {
            slog::error("worker_fatal", {{"error", e.what()}});
        }
        coverage::flush();
        ::_exit(code);
    }
    if (board_slot >= 0) {
        scoreboard_->set_pid(board_slot, pid);
    }
    slots_.push_back({pid, Clock::now(), false, board_slot});
    slog::info("worker_spawned", {{"worker_pid", pid}});
}

void Master::reap_children() {
    for (;;) {
        int status = 0;
        rusage usage{};
        const pid_t pid = ::wait4(-1, &status, WNOHANG, &usage);
        if (pid <= 0) {
            return;
        }
        auto it = std::find_if(slots_.begin(), slots_.end(),
                               [pid](const Slot& s) { return s.pid == pid; });
        if (it == slots_.end()) {
            continue;
        }
        const Slot slot = *it;
        slots_.erase(it);
        if (slot.board_slot >= 0) {
            // The worker's CPU stays in process_cpu_seconds_total.
            const auto seconds = [](const timeval& tv) {
                return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
            };
            scoreboard_->release(slot.board_slot,
                                 seconds(usage.ru_utime) + seconds(usage.ru_stime));
        }
        const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        const auto lived = Clock::now() - slot.started;
        nlohmann::json fields = {
            {"worker_pid", pid},
            {"status", describe_status(status)},
            {"lived_ms", std::chrono::duration_cast<std::chrono::milliseconds>(lived).count()}};
        if (clean) {
            slog::info("worker_exited", fields);
        } else {
            slog::warn("worker_died", fields);
        }
        metrics::inc(obs::kPoolWorkerExits, {exit_cause(clean, slot.retiring, shutting_down_)});
        if (shutting_down_ || slot.retiring) {
            continue;
        }
        ++missing_;
        if (!clean && lived < kStableAfter) {
            ++crash_streak_;
            auto delay = kFirstBackoff * (1L << std::min(crash_streak_ - 1, 16));
            auto capped = std::min<std::chrono::milliseconds>(
                std::chrono::duration_cast<std::chrono::milliseconds>(delay),
                config_.respawn_backoff_max);
            next_spawn_at_ = Clock::now() + capped;
            slog::warn("worker_respawn_backoff",
                       {{"crash_streak", crash_streak_}, {"delay_ms", capped.count()}});
        } else {
            crash_streak_ = 0;
        }
    }
}

void Master::maybe_respawn() {
    if (shutting_down_ || missing_ == 0 || Clock::now() < next_spawn_at_) {
        return;
    }
    while (missing_ > 0) {
        --missing_;
        spawn_worker();
    }
}

void Master::rolling_restart() {
    slog::info("rolling_restart", {{"workers", live_workers()}});
    std::vector<pid_t> old;
    for (auto& s : slots_) {
        if (!s.retiring) {
            s.retiring = true;
            old.push_back(s.pid);
        }
    }
    // New workers first: the socket always has someone accepting.
    for (std::size_t i = 0; i < old.size(); ++i) {
        spawn_worker();
    }
    for (pid_t pid : old) {
        ::kill(pid, SIGTERM);
    }
}

void Master::begin_shutdown() {
    if (shutting_down_) {
        return;
    }
    shutting_down_ = true;
    drain_deadline_ = Clock::now() + config_.drain_timeout;
    // Remove the path first: from now on nginx gets an immediate refusal
    // instead of queueing; what is already queued is served by the workers.
    if (config_.listen.kind == config::ListenAddress::Kind::kUnix) {
        ::unlink(config_.listen.path.c_str());
    }
    slog::info("draining",
               {{"workers", live_workers()}, {"timeout_ms", config_.drain_timeout.count()}});
    for (const auto& s : slots_) {
        ::kill(s.pid, SIGTERM);
    }
}

int Master::live_workers() const {
    return static_cast<int>(slots_.size());
}

int Master::run() {
    open_socket();
    if (config_.limits.any_rate_limit()) {
        // Mapped once, before any fork: workers inherit the same pages.
        buckets_ = std::make_unique<ratelimit::SharedBuckets>(config_.limits.slots);
    }
    db_health_ = std::make_unique<DatabaseHealth>();
    // Mapped before any fork like the buckets: every worker counts into it,
    // and what an exited worker counted stays.
    metrics_ = std::make_unique<metrics::Store>(kMetricSeries, true);
    metrics::install(metrics_.get());
    for (std::string_view cause : {"crash", "max_requests", "reload", "shutdown"}) {
        metrics::touch(obs::kPoolWorkerExits, {cause});
    }
    for (std::string_view result : {"success", "failure", "throttled"}) {
        metrics::touch(obs::kLogins, {result});
    }
    // Room for every worker twice: a SIGHUP starts the replacements before
    // the old workers leave.
    scoreboard_ = std::make_unique<obs::Scoreboard>(2 * static_cast<std::size_t>(config_.workers),
                                                    config_.workers);
    scoreboard_->set_listen_fd(listen_fd_);
    obs::install(scoreboard_.get());
    if (::pipe2(g_signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw std::runtime_error("pipe2 failed");
    }
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) {
        ::sigaction(sig, &sa, nullptr);
    }
    std::signal(SIGPIPE, SIG_IGN);
    slog::info("master_started",
               {{"workers", config_.workers},
                {"rate_limits",
                 {{"auth", ratelimit::to_string(config_.limits.auth)},
                  {"read", ratelimit::to_string(config_.limits.read)},
                  {"write", ratelimit::to_string(config_.limits.write)},
                  {"export", ratelimit::to_string(config_.limits.export_)},
                  {"slots", config_.limits.slots}}},
                {"listen", config_.listen.kind == config::ListenAddress::Kind::kUnix
                               ? "unix:" + config_.listen.path
                               : config_.listen.host + ":" + std::to_string(config_.listen.port)}});
    for (int i = 0; i < config_.workers; ++i) {
        spawn_worker();
    }
    for (;;) {
        pollfd p{g_signal_pipe[0], POLLIN, 0};
        (void)::poll(&p, 1, 100);
        unsigned char sigs[64];
        const ssize_t n = ::read(g_signal_pipe[0], sigs, sizeof sigs);
        for (ssize_t i = 0; i < n; ++i) {
            if (sigs[i] == SIGTERM || sigs[i] == SIGINT) {
                begin_shutdown();
            } else if (sigs[i] == SIGHUP && !shutting_down_) {
                rolling_restart();
            }
        }
        reap_children();
        // Sampled at every wake-up (10 per second at least), so that the
        // maximum of /status sees queues that no scrape happens to catch.
        if (const auto queue = obs::read_listen_queue(listen_fd_)) {
            scoreboard_->note_listen_queue(queue->queued);
        }
        if (shutting_down_) {
            if (slots_.empty()) {
                break;
            }
            if (Clock::now() >= drain_deadline_) {
                slog::warn("drain_timeout", {{"killed", live_workers()}});
                for (const auto& s : slots_) {
                    ::kill(s.pid, SIGKILL);
                }
                drain_deadline_ = Clock::time_point::max();
            }
            continue;
        }
        maybe_respawn();
    }
    ::close(listen_fd_);
    slog::info("master_stopped");
    return 0;
}

}  // namespace api
