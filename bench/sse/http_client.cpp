// The blocking publisher-side HTTP client; see http_client.hpp.
#include "http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "chunked_decoder.hpp"
#include "tls_name.hpp"

namespace bench_sse {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool wait_fd(int fd, short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
}

}  // namespace

HttpClient::HttpClient(std::string url, std::string ca_file, std::string source)
    : ca_file_(std::move(ca_file)), source_(std::move(source)) {
    std::string rest = url;
    if (rest.starts_with("https://")) {
        tls_ = true;
        rest = rest.substr(8);
    } else if (rest.starts_with("http://")) {
        rest = rest.substr(7);
    }
    const auto slash = rest.find('/');
    if (slash != std::string::npos) {
        rest = rest.substr(0, slash);
    }
    const auto colon = rest.rfind(':');
    host_ = rest.substr(0, colon);
    port_ = colon == std::string::npos ? (tls_ ? 443 : 80) : std::atoi(rest.c_str() + colon + 1);
    if (tls_) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        if (ca_file_.empty()) {
            SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
        } else {
            SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
            (void)SSL_CTX_load_verify_locations(ctx_, ca_file_.c_str(), nullptr);
        }
    }
}

HttpClient::~HttpClient() {
    close_now();
    if (ctx_ != nullptr) {
        SSL_CTX_free(ctx_);
    }
}

void HttpClient::close_now() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    buf_.clear();
}

bool HttpClient::connect_now(int timeout_ms) {
    close_now();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));
    if (::inet_pton(AF_INET, host_ == "localhost" ? "127.0.0.1" : host_.c_str(), &addr.sin_addr) !=
        1) {
        error_ = "only IPv4 literals (or localhost) are supported: " + host_;
        return false;
    }
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int one = 1;
    (void)::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!source_.empty()) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        (void)::inet_pton(AF_INET, source_.c_str(), &local.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
            error_ = std::string("bind: ") + std::strerror(errno);
            return false;
        }
    }
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    (void)::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    (void)::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error_ = std::string("connect: ") + std::strerror(errno);
        close_now();
        return false;
    }
    if (tls_) {
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        set_server_name(ssl_);
        if (SSL_connect(ssl_) != 1) {
            char msg[256];
            ERR_error_string_n(ERR_get_error(), msg, sizeof msg);
            error_ = std::string("TLS handshake: ") + msg;
            close_now();
            return false;
        }
    }
    return true;
}

bool HttpClient::send_all(const std::string& bytes, int timeout_ms) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        long n = 0;
        if (ssl_ != nullptr) {
            n = SSL_write(ssl_, bytes.data() + off, static_cast<int>(bytes.size() - off));
        } else {
            n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        }
        if (n <= 0) {
            if (ssl_ == nullptr && n < 0 && errno == EINTR) {
                continue;
            }
            if (ssl_ == nullptr && n < 0 && errno == EAGAIN && wait_fd(fd_, POLLOUT, timeout_ms)) {
                continue;
            }
            error_ = "write failed";
            return false;
        }
        off += static_cast<std::size_t>(n);
    }
    return true;
}

bool HttpClient::read_more(int timeout_ms) {
    (void)timeout_ms;  // SO_RCVTIMEO bounds each read
    char tmp[16384];
    long n = 0;
    if (ssl_ != nullptr) {
        n = SSL_read(ssl_, tmp, sizeof tmp);
    } else {
        do {
            n = ::recv(fd_, tmp, sizeof tmp, 0);
        } while (n < 0 && errno == EINTR);
    }
    if (n <= 0) {
        return false;
    }
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
}

std::optional<HttpResponse> HttpClient::read_response(bool head_request, int timeout_ms) {
    std::size_t end = 0;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
        if (buf_.size() > 65536 || !read_more(timeout_ms)) {
            error_ = "no complete response head";
            return std::nullopt;
        }
    }
    HttpResponse r;
    const std::string head = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    const auto sp = status_line.find(' ');
    r.status = sp == std::string::npos ? 0 : std::atoi(status_line.c_str() + sp + 1);
    while (pos != std::string::npos && pos < head.size()) {
        const std::size_t next = head.find("\r\n", pos + 2);
        const std::string line =
            head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(" \t"));
            r.headers[lower(line.substr(0, colon))] = value;
        }
        pos = next;
    }
    if (head_request || r.status == 204 || r.status == 304) {
        return r;
    }
    if (lower(r.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
        ChunkedDecoder dec;
        for (;;) {
            const std::string chunk = std::move(buf_);
            buf_.clear();
            if (!dec.feed(chunk, [&](std::string_view piece) { r.body.append(piece); })) {
                error_ = "malformed chunked body";
                return std::nullopt;
            }
            if (dec.finished()) {
                return r;
            }
            if (!read_more(timeout_ms)) {
                error_ = "chunked body cut short";
                return std::nullopt;
            }
        }
    }
    if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
        const auto len = static_cast<std::size_t>(std::stoull(it->second));
        while (buf_.size() < len) {
            if (!read_more(timeout_ms)) {
                error_ = "body cut short";
                return std::nullopt;
            }
        }
        r.body = buf_.substr(0, len);
        buf_.erase(0, len);
        return r;
    }
    while (read_more(timeout_ms)) {
    }
    r.body = std::move(buf_);
    close_now();
    return r;
}

std::optional<HttpResponse> HttpClient::request(const std::string& method, const std::string& path,
                                                const std::map<std::string, std::string>& headers,
                                                const std::string& body, int timeout_ms) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + "\r\n";
    for (const auto& [name, value] : headers) {
        req += name + ": " + value + "\r\n";
    }
    if (!body.empty() || method == "POST" || method == "PUT") {
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool fresh = fd_ < 0;
        if (fd_ < 0 && !connect_now(timeout_ms)) {
            return std::nullopt;
        }
        if (!send_all(req, timeout_ms)) {
            close_now();
            if (fresh) {
                return std::nullopt;
            }
            continue;
        }
        auto r = read_response(method == "HEAD", timeout_ms);
        if (r) {
            if (lower(r->headers["connection"]) == "close") {
                close_now();
            }
            return r;
        }
        close_now();
        if (fresh) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace bench_sse
