// The edge against clients that curl would never imitate, over raw sockets
// (issue 12, security finding 8): nginx's own protocol errors (malformed
// request, TRACE, unknown Transfer-Encoding, too long a request line or
// header, plain HTTP on the TLS port) answer application/problem+json with
// the security headers; the plain HTTP redirect goes to the configured name,
// whatever Host the client sends; and one address holds at most
// API_CONN_PER_IP API requests with slow bodies, the next one gets 429 while
// the others stay open, other addresses are not affected.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "http_client.hpp"
#include "stack.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kConnCap = 4;  // API_CONN_PER_IP of this suite's stack

struct RawResponse {
    int status = 0;                              // 0: no complete status line
    std::map<std::string, std::string> headers;  // lower-case names, last value wins
    std::string body;                            // chunked transfer coding removed
    std::string raw;
    bool closed = false;  // the server closed the connection

    [[nodiscard]] std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// One TCP connection to 127.0.0.1:port from a chosen loopback address, with
// or without TLS, that sends bytes exactly as given. Every wait is bounded.
class RawConnection {
  public:
    RawConnection(int port, bool tls, const std::string& source = "127.0.0.1") {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw std::runtime_error("socket failed");
        }
        // A stalled read or write gives up soon; callers loop to their deadline.
        timeval tv{0, 200 * 1000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
            throw std::runtime_error("bind to " + source + " failed");
        }
        sockaddr_in peer{};
        peer.sin_family = AF_INET;
        peer.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &peer.sin_addr);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&peer), sizeof peer) != 0) {
            throw std::runtime_error("connect to port " + std::to_string(port) + " failed");
        }
        if (tls) {
            ctx_ = SSL_CTX_new(TLS_client_method());
            ssl_ = SSL_new(ctx_);
            SSL_set_fd(ssl_, fd_);
            if (SSL_connect(ssl_) != 1) {
                throw std::runtime_error("TLS handshake failed");
            }
        }
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    ~RawConnection() {
        if (ssl_ != nullptr) {
            SSL_free(ssl_);
            SSL_CTX_free(ctx_);
        }
        ::close(fd_);
    }

    // Sends every byte of data (false when the peer is gone).
    bool send(const std::string& data) {
        std::size_t done = 0;
        for (int tries = 0; done < data.size() && tries < 100; ++tries) {
            const int n =
                ssl_ != nullptr
                    ? SSL_write(ssl_, data.data() + done, static_cast<int>(data.size() - done))
                    : static_cast<int>(
                          ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL));
            if (n <= 0) {
                return false;
            }
            done += static_cast<std::size_t>(n);
        }
        return done == data.size();
    }

    // Reads one response: the head, then Content-Length bytes of body, a
    // chunked body up to its last chunk, or everything until the server
    // closes. Gives up at the deadline (raw stays empty when nothing came; TLS
    // records without application data, such as session tickets, do not count).
    RawResponse read_response(std::chrono::milliseconds timeout = 10s) {
        const auto deadline = Clock::now() + timeout;
        RawResponse r;
        std::optional<std::size_t> body_at;
        std::optional<std::size_t> length;
        bool chunked = false;
        char buf[16384];
        while (Clock::now() < deadline) {
            if (body_at && length && r.raw.size() >= *body_at + *length) {
                break;
            }
            if (body_at && chunked && r.raw.ends_with("\r\n0\r\n\r\n")) {
                break;
            }
            errno = 0;
            const int n = ssl_ != nullptr ? SSL_read(ssl_, buf, sizeof buf)
                                          : static_cast<int>(::recv(fd_, buf, sizeof buf, 0));
            if (n <= 0) {
                const int e = errno;
                const int ssl_error = ssl_ != nullptr ? SSL_get_error(ssl_, n) : 0;
                if (ssl_error == SSL_ERROR_WANT_READ ||
                    (n < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR))) {
                    continue;  // nothing yet
                }
                r.closed = true;  // closed or reset
                break;
            }
            r.raw.append(buf, static_cast<std::size_t>(n));
            if (!body_at) {
                const auto end = r.raw.find("\r\n\r\n");
                if (end != std::string::npos) {
                    body_at = end + 4;
                    parse_head(r, r.raw.substr(0, end));
                    if (r.headers.count("content-length") != 0) {
                        length = std::stoul(r.headers["content-length"]);
                    }
                    chunked = r.header("transfer-encoding") == "chunked";
                }
            }
        }
        if (body_at) {
            r.body = chunked ? dechunk(r.raw.substr(*body_at)) : r.raw.substr(*body_at);
        }
        return r;
    }

  private:
    // The data of a complete chunked body (sizes in hex, no extensions).
    static std::string dechunk(const std::string& in) {
        std::string out;
        std::size_t pos = 0;
        for (int guard = 0; guard < 10000; ++guard) {
            const auto eol = in.find("\r\n", pos);
            if (eol == std::string::npos) {
                break;
            }
            const std::size_t size = std::stoul(in.substr(pos, eol - pos), nullptr, 16);
            if (size == 0 || eol + 2 + size > in.size()) {
                break;
            }
            out += in.substr(eol + 2, size);
            pos = eol + 2 + size + 2;
        }
        return out;
    }

    static void parse_head(RawResponse& r, const std::string& head) {
        std::smatch m;
        if (std::regex_search(head, m, std::regex("^HTTP/1\\.[01] ([0-9]{3})"))) {
            r.status = std::stoi(m[1]);
        }
        std::size_t pos = head.find("\r\n");
        while (pos != std::string::npos) {
            const std::size_t next = head.find("\r\n", pos + 2);
            const std::string line = head.substr(
                pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
            const auto colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (auto& c : name) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
                r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
            }
            pos = next;
        }
    }

    int fd_ = -1;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
};

class EdgeProtocolTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        harness::StackOptions o = harness::StackOptions::with(2);
        o.nginx_env = {{"API_CONN_PER_IP", std::to_string(kConnCap)}};
        stack_ = new harness::Stack(o);
    }
    static void TearDownTestSuite() {
        delete stack_;
        stack_ = nullptr;
    }
    static harness::Stack* stack_;
};
harness::Stack* EdgeProtocolTest::stack_ = nullptr;

// The security headers of docs/edge.md and a request id; returns the id.
std::string expect_security_headers(const RawResponse& r) {
    EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000; includeSubDomains");
    EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("x-frame-options"), "DENY");
    EXPECT_EQ(r.header("referrer-policy"), "strict-origin-when-cross-origin");
    EXPECT_NE(r.header("permissions-policy").find("camera=()"), std::string::npos);
    EXPECT_EQ(r.header("x-xss-protection"), "0");
    const std::string id = r.header("x-request-id");
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{32}"))) << id;
    return id;
}

void expect_problem(const RawResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.raw.substr(0, 2000);
    EXPECT_EQ(r.header("content-type"), "application/problem+json") << r.raw.substr(0, 2000);
    const std::string id = expect_security_headers(r);
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["status"], status);
    EXPECT_EQ(body["type"], "about:blank");
    EXPECT_TRUE(body["title"].is_string());
    EXPECT_TRUE(body["detail"].is_string());
    EXPECT_EQ(body["request_id"], id);
}

struct ProtocolCase {
    const char* name;
    std::string request;
    int status;
    bool tls = true;
};

TEST_F(EdgeProtocolTest, NginxProtocolErrorsOnTheApiAreProblemJson) {
    const std::string big(20000, 'a');
    const std::vector<ProtocolCase> cases = {
        {"control character in the request line",
         "GET /api/v1/ver\x01sion HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
        {"malformed method", "G@T /api/v1/version HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
        {"HTTP/1.1 without Host", "GET /api/v1/version HTTP/1.1\r\nConnection: close\r\n\r\n", 400},
        {"Content-Length and Transfer-Encoding",
         "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
         "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
         400},
        {"invalid chunked body",
         "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
         "Connection: close\r\n\r\nzz\r\n",
         400},
        {"header too large",
         "GET /api/v1/version HTTP/1.1\r\nHost: localhost\r\nX-Big: " + big + "\r\n\r\n", 400},
        {"request line too long", "GET /api/v1/" + big + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
         414},
        {"TRACE", "TRACE /api/v1/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
         405},
        {"unknown Transfer-Encoding",
         "POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n"
         "Connection: close\r\n\r\n",
         501},
        {"plain HTTP on the TLS port",
         "GET /api/v1/version HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400,
         false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        RawConnection conn(stack_->https_port(), c.tls);
        ASSERT_TRUE(conn.send(c.request));
        const RawResponse r = conn.read_response();
        expect_problem(r, c.status);
        // nginx answered by itself: scoreline-api never saw the request.
        EXPECT_EQ(stack_->api_log().find(r.header("x-request-id")), std::string::npos);
    }
}

TEST_F(EdgeProtocolTest, PlainHttpRedirectsToTheConfiguredNameWhateverTheHost) {
    const std::string target = "https://localhost:" + std::to_string(stack_->https_port());
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"GET /some/page?x=1 HTTP/1.1\r\nHost: evil.test\r\nConnection: close\r\n\r\n",
         "/some/page?x=1"},
        {"GET /api/v1/version HTTP/1.1\r\nHost: evil.test:8443\r\nConnection: close\r\n\r\n",
         "/api/v1/version"},
        // The absolute form sets $host from the request line.
        {"GET http://evil.test/abs?q=1 HTTP/1.1\r\nHost: evil.test\r\nConnection: close\r\n\r\n",
         "/abs?q=1"},
        {"GET /old HTTP/1.0\r\n\r\n", "/old"},
    };
    for (const auto& [request, path] : cases) {
        SCOPED_TRACE(request);
        RawConnection conn(stack_->http_port(), false);
        ASSERT_TRUE(conn.send(request));
        const RawResponse r = conn.read_response();
        EXPECT_EQ(r.status, 301) << r.raw;
        EXPECT_EQ(r.header("location"), target + path);
        expect_security_headers(r);
    }
}

// A POST whose head and a first part of its body have been sent; the rest
// never comes unless finish() sends it.
std::string slow_post_head(int content_length) {
    return "POST /api/v1/_test/echo HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: application/json\r\nContent-Length: " +
           std::to_string(content_length) + "\r\n\r\n{\"name\":\"";
}

TEST_F(EdgeProtocolTest, SlowBodiesFromOneAddressAreCapped) {
    const std::string address = "127.0.0.71";
    const std::string padding(40, 'x');
    const std::string rest = padding + "\"}";
    const int length = static_cast<int>(std::string("{\"name\":\"").size() + rest.size());

    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < kConnCap; ++i) {
        held.push_back(std::make_unique<RawConnection>(stack_->https_port(), true, address));
        ASSERT_TRUE(held.back()->send(slow_post_head(length)));
    }

    // Once nginx has read the heads, each one counts: the next request from
    // that address is refused (429 problem+json with Retry-After).
    harness::HttpClient client;
    client.set_source_address(address);
    harness::HttpResponse refused;
    ASSERT_TRUE(harness::wait_until(
        [&] {
            refused = client.get(stack_->https_url("/api/v1/version"));
            return refused.status == 429;
        },
        5s))
        << "no 429 past " << kConnCap << " slow bodies; last status " << refused.status;
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
    EXPECT_EQ(refused.header("retry-after"), "1");
    auto body = nlohmann::json::parse(refused.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << refused.body;
    EXPECT_EQ(body["status"], 429);
    EXPECT_EQ(body["request_id"], refused.header("x-request-id"));
    EXPECT_EQ(refused.header("x-frame-options"), "DENY");

    // The held ones are still open and unanswered; another address is served.
    for (auto& c : held) {
        const RawResponse none = c->read_response(300ms);
        EXPECT_TRUE(none.raw.empty() && !none.closed)
            << "a held request got an answer or was closed: " << none.raw;
    }
    harness::HttpClient other;
    other.set_source_address("127.0.0.72");
    EXPECT_EQ(other.get(stack_->https_url("/api/v1/version")).status, 200);
    // Ops routes are not capped (a health check must not be refused).
    EXPECT_EQ(client.get(stack_->https_url("/healthz")).status, 200);

    // The cap counts requests in progress: a finished body frees its place.
    ASSERT_TRUE(held.front()->send(rest));
    const RawResponse done = held.front()->read_response();
    EXPECT_EQ(done.status, 200) << done.raw;
    auto echoed = nlohmann::json::parse(done.body, nullptr, false);
    ASSERT_TRUE(echoed.is_object()) << done.body;
    EXPECT_EQ(echoed["name"], padding);
    harness::HttpResponse admitted;
    EXPECT_TRUE(harness::wait_until(
        [&] {
            admitted = client.get(stack_->https_url("/api/v1/version"));
            return admitted.status == 200;
        },
        5s))
        << admitted.status;
}

}  // namespace
