// The load-client child: connection state machine and its epoll loop; see
// load_child.hpp. Runs in a forked process, single-threaded.
#include "load_child.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "chunked_decoder.hpp"
#include "sse_parser.hpp"
#include "tls_name.hpp"

namespace bench_sse {

std::int64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::uint32_t nth_source(std::uint32_t first, int i) {
    // 254 usable last octets per /24.
    const std::uint32_t base24 = first & 0xffffff00U;
    const std::uint32_t start = std::max<std::uint32_t>(first & 0xffU, 1U) - 1U;  // 0..253
    const std::uint32_t pos = start + static_cast<std::uint32_t>(i);
    return base24 + ((pos / 254U) << 8) + (pos % 254U) + 1U;
}

namespace {

constexpr std::uint64_t kCommandTag = ~std::uint64_t{0};

enum class ConnState {
    kIdle,
    kConnecting,
    kHandshaking,
    kSending,
    kReadingHead,
    kStreaming,
    kClosed
};

struct Arrival {
    std::uint64_t key;
    std::int64_t at_ns;
};

// One EventSource connection.
struct Conn {
    int fd = -1;
    SSL* ssl = nullptr;
    ConnState state = ConnState::kIdle;
    int attempts = 0;
    bool subscribed = false;  // got 200 + head once; never reset
    bool lost = false;        // closed after subscribing
    bool chunked = false;
    std::size_t sent = 0;
    std::string head;
    ChunkedDecoder chunks;
    SseParser parser;
    std::vector<Arrival> arrivals;
};

class Child {
  public:
    explicit Child(const ChildPlan& plan)
        : plan_(plan), conns_(static_cast<std::size_t>(plan.connections)) {}
    [[noreturn]] void run();

  private:
    void start(std::uint32_t i);
    void progress(std::uint32_t i);
    void on_head_bytes(std::uint32_t i, std::string_view bytes, std::int64_t now);
    void on_body_bytes(std::uint32_t i, std::string_view bytes, std::int64_t now);
    void fail(std::uint32_t i, const std::string& reason);
    void set_state(Conn& c, ConnState next);
    void close_conn(Conn& c);
    void read_commands();
    [[nodiscard]] bool all_delivered() const;
    void finish();
    void send_line(const std::string& line) const;
    [[nodiscard]] bool in_setup(const Conn& c) const {
        return c.state == ConnState::kConnecting || c.state == ConnState::kHandshaking ||
               c.state == ConnState::kSending || c.state == ConnState::kReadingHead;
    }

    const ChildPlan& plan_;
    std::vector<Conn> conns_;
    SSL_CTX* ctx_ = nullptr;
    int epfd_ = -1;
    std::uint32_t next_start_ = 0;
    int pending_ = 0;
    int subscribed_ = 0;
    int failed_ = 0;
    bool sub_reported_ = false;
    std::deque<std::pair<std::int64_t, std::uint32_t>> retry_queue_;
    std::map<std::string, int> errors_;
    // key → (time just after the publish answer, time just before the request)
    std::unordered_map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> published_;
    std::unordered_map<std::uint64_t, int> delivered_count_;  // key → connections that got it
    std::size_t duplicates_ = 0;
    std::size_t data_bytes_ = 0;
    bool end_received_ = false;
    std::int64_t end_deadline_ = 0;
    std::string command_buf_;
    std::int64_t started_ = 0;
    char buf_[65536];
};

void Child::send_line(const std::string& line) const {
    const std::string l = line + "\n";
    (void)!::write(plan_.status_fd, l.data(), l.size());
}

void Child::set_state(Conn& c, ConnState next) {
    // Setup states move forward; any state may close.
    const bool ok = next == ConnState::kClosed || next == ConnState::kConnecting ||
                    static_cast<int>(next) == static_cast<int>(c.state) + 1 ||
                    (next == ConnState::kSending && c.state == ConnState::kConnecting);
    if (!ok) {
        std::fprintf(stderr, "sse-load child %d: bad transition %d -> %d\n", plan_.index,
                     static_cast<int>(c.state), static_cast<int>(next));
        std::abort();
    }
    c.state = next;
}

void Child::close_conn(Conn& c) {
    if (c.ssl != nullptr) {
        SSL_free(c.ssl);
        c.ssl = nullptr;
    }
    if (c.fd >= 0) {
        ::close(c.fd);  // also removes it from the epoll set
        c.fd = -1;
    }
}

void Child::start(std::uint32_t i) {
    Conn& c = conns_[i];
    ++c.attempts;
    c.head.clear();
    c.sent = 0;
    c.chunks = ChunkedDecoder();
    c.parser = SseParser();
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    set_state(c, ConnState::kConnecting);
    ++pending_;
    if (c.fd < 0) {
        fail(i, std::string("socket: ") + std::strerror(errno));
        return;
    }
    const int one = 1;
    (void)::setsockopt(c.fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    (void)::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(nth_source(
        plan_.first_source, static_cast<int>(i % static_cast<std::uint32_t>(plan_.sources))));
    if (::bind(c.fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        fail(i, std::string("bind: ") + std::strerror(errno));
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = i;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
        fail(i, std::string("epoll_ctl: ") + std::strerror(errno));
        return;
    }
    if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&plan_.target), sizeof plan_.target) !=
            0 &&
        errno != EINPROGRESS) {
        fail(i, std::string("connect: ") + std::strerror(errno));
    }
}

void Child::fail(std::uint32_t i, const std::string& reason) {
    Conn& c = conns_[i];
    const bool was_setup = in_setup(c);
    close_conn(c);
    set_state(c, ConnState::kClosed);
    ++errors_[reason];
    if (c.subscribed) {
        c.lost = true;
        return;
    }
    if (!was_setup) {
        return;
    }
    --pending_;
    if (c.attempts <= plan_.retries && !sub_reported_) {
        retry_queue_.emplace_back(monotonic_ns() + std::int64_t{plan_.retry_delay_ms} * 1000000, i);
    } else {
        ++failed_;
    }
}

void Child::progress(std::uint32_t i) {
    Conn& c = conns_[i];
    for (;;) {
        switch (c.state) {
            case ConnState::kConnecting: {
                int err = 0;
                socklen_t len = sizeof err;
                (void)::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err == EINPROGRESS || err == EALREADY) {
                    return;
                }
                if (err != 0) {
                    fail(i, std::string("connect: ") + std::strerror(err));
                    return;
                }
                // A writable socket means connected; without EPOLLOUT yet, wait.
                sockaddr_in peer{};
                socklen_t plen = sizeof peer;
                if (::getpeername(c.fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) {
                    return;
                }
                if (plan_.tls) {
                    c.ssl = SSL_new(ctx_);
                    SSL_set_fd(c.ssl, c.fd);
                    set_server_name(c.ssl);
                    SSL_set_connect_state(c.ssl);
                    set_state(c, ConnState::kHandshaking);
                } else {
                    set_state(c, ConnState::kSending);
                }
                break;
            }
            case ConnState::kHandshaking: {
                const int r = SSL_do_handshake(c.ssl);
                if (r == 1) {
                    set_state(c, ConnState::kSending);
                    break;
                }
                const int e = SSL_get_error(c.ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                    return;
                }
                const unsigned long code = ERR_get_error();
                char msg[200];
                ERR_error_string_n(code, msg, sizeof msg);
                ERR_clear_error();
                fail(i, std::string("tls handshake: ") + (code != 0 ? msg : std::strerror(errno)));
                return;
            }
            case ConnState::kSending: {
                const std::string& req = plan_.request;
                while (c.sent < req.size()) {
                    long n = 0;
                    if (c.ssl != nullptr) {
                        n = SSL_write(c.ssl, req.data() + c.sent,
                                      static_cast<int>(req.size() - c.sent));
                        if (n <= 0) {
                            const int e = SSL_get_error(c.ssl, static_cast<int>(n));
                            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                                return;
                            }
                            ERR_clear_error();
                            fail(i, "tls write");
                            return;
                        }
                    } else {
                        n = ::send(c.fd, req.data() + c.sent, req.size() - c.sent, MSG_NOSIGNAL);
                        if (n < 0) {
                            if (errno == EAGAIN || errno == EINTR) {
                                return;
                            }
                            fail(i, std::string("send: ") + std::strerror(errno));
                            return;
                        }
                    }
                    c.sent += static_cast<std::size_t>(n);
                }
                set_state(c, ConnState::kReadingHead);
                break;
            }
            case ConnState::kReadingHead:
            case ConnState::kStreaming: {
                long n = 0;
                if (c.ssl != nullptr) {
                    n = SSL_read(c.ssl, buf_, sizeof buf_);
                    if (n <= 0) {
                        const int e = SSL_get_error(c.ssl, static_cast<int>(n));
                        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
                            return;
                        }
                        ERR_clear_error();
                        fail(i, e == SSL_ERROR_ZERO_RETURN || n == 0 ? "closed by server"
                                                                     : "tls read");
                        return;
                    }
                } else {
                    n = ::recv(c.fd, buf_, sizeof buf_, 0);
                    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                        return;
                    }
                    if (n <= 0) {
                        fail(i, n == 0 ? "closed by server"
                                       : std::string("recv: ") + std::strerror(errno));
                        return;
                    }
                }
                const std::int64_t now = monotonic_ns();
                const std::string_view bytes(buf_, static_cast<std::size_t>(n));
                if (c.state == ConnState::kReadingHead) {
                    on_head_bytes(i, bytes, now);
                } else {
                    on_body_bytes(i, bytes, now);
                }
                if (c.state == ConnState::kClosed) {
                    return;
                }
                break;
            }
            case ConnState::kIdle:
            case ConnState::kClosed:
                return;
        }
    }
}

void Child::on_head_bytes(std::uint32_t i, std::string_view bytes, std::int64_t now) {
    Conn& c = conns_[i];
    c.head.append(bytes);
    const std::size_t end = c.head.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.head.size() > 16384) {
            fail(i, "response head too large");
        }
        return;
    }
    int status = 0;
    if (c.head.size() > 12 && c.head.starts_with("HTTP/1.")) {
        status = std::atoi(c.head.c_str() + 9);
    }
    if (status != 200) {
        fail(i, "http " + std::to_string(status));
        return;
    }
    std::string lower_head = c.head.substr(0, end);
    std::transform(lower_head.begin(), lower_head.end(), lower_head.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    c.chunked = lower_head.find("\r\ntransfer-encoding: chunked") != std::string::npos;
    const std::string rest = c.head.substr(end + 4);
    c.head.clear();
    c.head.shrink_to_fit();
    set_state(c, ConnState::kStreaming);
    c.subscribed = true;
    --pending_;
    ++subscribed_;
    if (!rest.empty()) {
        on_body_bytes(i, rest, now);
    }
}

void Child::on_body_bytes(std::uint32_t i, std::string_view bytes, std::int64_t now) {
    Conn& c = conns_[i];
    auto on_event = [&](const SseEvent& ev) {
        if (!plan_.event_filter.empty() && ev.type != plan_.event_filter) {
            return;
        }
        const auto key = message_key(ev.data);
        if (!key) {
            return;
        }
        for (const Arrival& a : c.arrivals) {
            if (a.key == *key) {
                ++duplicates_;
                return;
            }
        }
        c.arrivals.push_back(Arrival{*key, now});
        ++delivered_count_[*key];
        data_bytes_ = std::max(data_bytes_, ev.data.size());
    };
    auto to_parser = [&](std::string_view piece) { c.parser.feed(piece, on_event); };
    if (c.chunked) {
        if (!c.chunks.feed(bytes, to_parser)) {
            fail(i, "malformed chunked body");
        }
    } else {
        to_parser(bytes);
    }
}

void Child::read_commands() {
    char tmp[4096];
    for (;;) {
        const long n = ::read(plan_.command_fd, tmp, sizeof tmp);
        if (n > 0) {
            command_buf_.append(tmp, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) {
            // The parent is gone: nothing to report to.
            std::fprintf(stderr, "sse-load child %d: parent closed the command pipe\n",
                         plan_.index);
            ::_exit(1);
        }
        break;  // EAGAIN
    }
    std::size_t nl = 0;
    while ((nl = command_buf_.find('\n')) != std::string::npos) {
        const std::string line = command_buf_.substr(0, nl);
        command_buf_.erase(0, nl + 1);
        unsigned long long key = 0;
        long long at = 0;
        long long sent = 0;
        int timeout = 0;
        if (std::sscanf(line.c_str(), "PUB %llu %lld %lld", &key, &at, &sent) == 3) {
            published_[key] = {at, sent};
        } else if (std::sscanf(line.c_str(), "END %d", &timeout) == 1) {
            end_received_ = true;
            end_deadline_ = monotonic_ns() + std::int64_t{timeout} * 1000000;
        }
    }
}

bool Child::all_delivered() const {
    for (const auto& [key, at] : published_) {
        const auto it = delivered_count_.find(key);
        if (it == delivered_count_.end() || it->second < plan_.connections) {
            return false;
        }
    }
    return true;
}

// Latencies of every (connection, published message) pair, to the result file.
void Child::finish() {
    // Messages in publish order, so the parent can line them up across children.
    std::vector<std::pair<std::int64_t, std::uint64_t>> order;  // (requested, key)
    for (const auto& [key, at] : published_) {
        order.emplace_back(at.second, key);
    }
    std::sort(order.begin(), order.end());
    std::vector<std::int64_t> latencies;     // from the publish answer
    std::vector<std::int64_t> from_request;  // from the publish request
    latencies.reserve(conns_.size() * order.size());
    from_request.reserve(conns_.size() * order.size());
    std::vector<std::size_t> per_message;
    std::size_t missing = 0;
    for (const auto& [requested, key] : order) {
        const std::int64_t answered = published_.at(key).first;
        std::size_t got = 0;
        for (const Conn& c : conns_) {
            const auto it = std::find_if(c.arrivals.begin(), c.arrivals.end(),
                                         [k = key](const Arrival& a) { return a.key == k; });
            if (it == c.arrivals.end()) {
                ++missing;
                continue;
            }
            latencies.push_back(it->at_ns - answered);
            from_request.push_back(it->at_ns - requested);
            ++got;
        }
        per_message.push_back(got);
    }
    std::size_t lost = 0;
    std::size_t other = 0;
    for (const Conn& c : conns_) {
        lost += c.lost ? 1 : 0;
        for (const Arrival& a : c.arrivals) {
            other += published_.contains(a.key) ? 0 : 1;  // warm-up or foreign messages
        }
    }
    FILE* f = std::fopen(plan_.result_path.c_str(), "wb");
    if (f == nullptr) {
        send_line("ERR cannot write " + plan_.result_path);
        ::_exit(1);
    }
    std::fprintf(f, "delivered %zu missing %zu duplicates %zu lost %zu other %zu messages %zu\n",
                 latencies.size(), missing, duplicates_, lost, other, per_message.size());
    for (std::size_t got : per_message) {
        std::fprintf(f, "%zu ", got);
    }
    std::fprintf(f, "\n");
    if (!latencies.empty()) {
        (void)std::fwrite(latencies.data(), sizeof(std::int64_t), latencies.size(), f);
        (void)std::fwrite(from_request.data(), sizeof(std::int64_t), from_request.size(), f);
    }
    std::fclose(f);
    for (const auto& [reason, count] : errors_) {
        std::fprintf(stderr, "sse-load child %d: %d x %s\n", plan_.index, count, reason.c_str());
    }
    send_line("DONE " + std::to_string(data_bytes_));
    // Exit without closing tens of thousands of TLS sessions one by one.
    ::_exit(0);
}

void Child::run() {
    started_ = monotonic_ns();
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        (void)::setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (plan_.tls) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        if (plan_.ca_file.empty()) {
            SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        } else {
            SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
            if (SSL_CTX_load_verify_locations(ctx_, plan_.ca_file.c_str(), nullptr) != 1) {
                send_line("ERR cannot load CA file " + plan_.ca_file);
                ::_exit(1);
            }
        }
        // Idle streams keep no 16 KiB read/write buffers.
        SSL_CTX_set_mode(ctx_, SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
    }
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    (void)::fcntl(plan_.command_fd, F_SETFL, ::fcntl(plan_.command_fd, F_GETFL) | O_NONBLOCK);
    epoll_event cev{};
    cev.events = EPOLLIN;
    cev.data.u64 = kCommandTag;
    (void)::epoll_ctl(epfd_, EPOLL_CTL_ADD, plan_.command_fd, &cev);

    std::vector<epoll_event> events(1024);
    const std::int64_t connect_deadline =
        started_ + std::int64_t{plan_.connect_timeout_ms} * 1000000;
    const std::int64_t hard_deadline = started_ + std::int64_t{plan_.hard_deadline_ms} * 1000000;
    std::int64_t last_check = 0;
    for (;;) {
        std::int64_t now = monotonic_ns();
        while (!retry_queue_.empty() && retry_queue_.front().first <= now &&
               pending_ < plan_.max_pending) {
            const std::uint32_t i = retry_queue_.front().second;
            retry_queue_.pop_front();
            start(i);
        }
        while (next_start_ < conns_.size() && pending_ < plan_.max_pending) {
            start(next_start_++);
        }
        if (!sub_reported_ && now >= connect_deadline) {
            for (std::uint32_t i = 0; i < conns_.size(); ++i) {
                Conn& c = conns_[i];
                if (!c.subscribed && c.state != ConnState::kClosed) {
                    c.attempts = plan_.retries + 1;
                    fail(i, "not subscribed before the connect timeout");
                }
            }
            failed_ += static_cast<int>(retry_queue_.size()) +
                       static_cast<int>(conns_.size() - next_start_);
            retry_queue_.clear();
            next_start_ = static_cast<std::uint32_t>(conns_.size());
        }
        if (!sub_reported_ && subscribed_ + failed_ >= plan_.connections) {
            sub_reported_ = true;
            send_line("SUB " + std::to_string(subscribed_) + " " + std::to_string(failed_));
            for (const auto& [reason, count] : errors_) {
                std::fprintf(stderr, "sse-load child %d while subscribing: %d x %s\n", plan_.index,
                             count, reason.c_str());
            }
        }
        if (end_received_ &&
            (now >= end_deadline_ || (now - last_check > 20000000 && all_delivered()))) {
            finish();
        }
        if (end_received_) {
            last_check = now;
        }
        if (now >= hard_deadline) {
            send_line("ERR hard deadline reached");
            finish();
        }
        int timeout = 50;
        if (!retry_queue_.empty()) {
            timeout = static_cast<int>(
                std::clamp<std::int64_t>((retry_queue_.front().first - now) / 1000000, 0, 50));
        }
        const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), timeout);
        for (int k = 0; k < n; ++k) {
            const std::uint64_t tag = events[static_cast<std::size_t>(k)].data.u64;
            if (tag == kCommandTag) {
                read_commands();
                continue;
            }
            progress(static_cast<std::uint32_t>(tag));
        }
    }
}

}  // namespace

void run_child(const ChildPlan& plan) {
    static Child* child = new Child(plan);  // lives until _exit
    child->run();
}

}  // namespace bench_sse
