// /healthz and /metrics of scoreline-sse; see ops_endpoint.hpp.
#include "ops_endpoint.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "listener.hpp"
#include "response.hpp"

namespace sse {
namespace {

constexpr std::size_t kMaxConnections = 64;
constexpr std::chrono::seconds kConnectionTimeout{5};

}  // namespace

OpsEndpoint::OpsEndpoint(Loop& loop, config::ListenAddress address, HttpLimits limits,
                         Render metrics, Render health)
    : loop_(loop),
      address_(std::move(address)),
      limits_(limits),
      metrics_(std::move(metrics)),
      health_(std::move(health)) {}

OpsEndpoint::~OpsEndpoint() {
    stop();
}

void OpsEndpoint::start() {
    listen_fd_ = listen_tcp(address_, 64);
    loop_.watch(listen_fd_, EPOLLIN, [this](std::uint32_t) { on_accept(); });
}

void OpsEndpoint::stop() {
    while (!conns_.empty()) {
        drop(conns_.begin()->first);
    }
    if (listen_fd_ >= 0) {
        loop_.unwatch(listen_fd_);
        ::close(listen_fd_);
        listen_fd_ = -1;
    }
}

void OpsEndpoint::on_accept() {
    for (;;) {
        int error = 0;
        auto a = accept_one(listen_fd_, error);
        if (!a) {
            return;
        }
        if (conns_.size() >= kMaxConnections) {
            ::close(a->fd);
            continue;
        }
        const int fd = a->fd;
        Connection& c =
            conns_.emplace(fd, Connection{HttpRequestParser(limits_), {}, 0, 0}).first->second;
        c.timer = loop_.add_timer(kConnectionTimeout, [this, fd] {
            auto it = conns_.find(fd);
            if (it != conns_.end()) {
                it->second.timer = 0;
                drop(fd);
            }
        });
        loop_.watch(fd, EPOLLIN | EPOLLRDHUP, [this, fd](std::uint32_t ev) { on_event(fd, ev); });
    }
}

void OpsEndpoint::on_event(int fd, std::uint32_t events) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) {
        return;
    }
    Connection& c = it->second;
    if (!c.out.empty()) {
        if (events & EPOLLOUT) {
            write_out(fd, c);
        } else if (events & (EPOLLHUP | EPOLLERR)) {
            drop(fd);
        }
        return;
    }
    char buf[2048];
    for (;;) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            drop(fd);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return;
        }
        std::size_t used = 0;
        if (c.parser.feed(std::string_view(buf, static_cast<std::size_t>(n)), used) !=
            HttpRequestParser::Status::kIncomplete) {
            respond(fd, c);
            return;
        }
    }
}

void OpsEndpoint::respond(int fd, Connection& c) {
    if (c.parser.status() == HttpRequestParser::Status::kError) {
        c.out = problem_response(c.parser.error_status(), "malformed request", "");
    } else {
        const HttpRequest& req = c.parser.request();
        if (req.path != "/healthz" && req.path != "/metrics") {
            c.out = problem_response(404, "only /healthz and /metrics are served here", "");
        } else if (req.method != "GET") {
            c.out = problem_response(405, "use GET", "", {{"Allow", "GET"}});
        } else if (req.path == "/healthz") {
            c.out = plain_response(200, "application/json", health_());
        } else {
            c.out = plain_response(200, "text/plain; version=0.0.4; charset=utf-8", metrics_());
        }
    }
    write_out(fd, c);
}

void OpsEndpoint::write_out(int fd, Connection& c) {
    while (c.offset < c.out.size()) {
        const ssize_t n =
            ::send(fd, c.out.data() + c.offset, c.out.size() - c.offset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                loop_.modify(fd, EPOLLOUT | EPOLLRDHUP);
                return;
            }
            drop(fd);
            return;
        }
        c.offset += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    drop(fd);
}

void OpsEndpoint::drop(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) {
        return;
    }
    loop_.cancel_timer(it->second.timer);
    loop_.unwatch(fd);
    ::close(fd);
    conns_.erase(it);
}

}  // namespace sse
