// A minimal FastCGI responder client; see fcgi_client.hpp.
#include "fcgi_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>
#include <vector>

namespace harness {
namespace {

constexpr unsigned char kBeginRequest = 1;
constexpr unsigned char kEndRequest = 3;
constexpr unsigned char kParams = 4;
constexpr unsigned char kStdin = 5;
constexpr unsigned char kStdout = 6;

void record(std::string& out, unsigned char type, std::string_view content) {
    const auto len = static_cast<unsigned>(content.size());
    const char head[8] = {1,
                          static_cast<char>(type),
                          0,
                          1,
                          static_cast<char>((len >> 8) & 0xff),
                          static_cast<char>(len & 0xff),
                          0,
                          0};
    out.append(head, 8);
    out.append(content);
}

void length(std::string& out, std::size_t n) {
    if (n < 128) {
        out += static_cast<char>(n);
    } else {
        out += static_cast<char>(((n >> 24) & 0x7f) | 0x80);
        out += static_cast<char>((n >> 16) & 0xff);
        out += static_cast<char>((n >> 8) & 0xff);
        out += static_cast<char>(n & 0xff);
    }
}

std::string params(const std::vector<std::pair<std::string, std::string>>& pairs) {
    std::string out;
    for (const auto& [k, v] : pairs) {
        length(out, k.size());
        length(out, v.size());
        out += k;
        out += v;
    }
    return out;
}

FcgiResponse parse_cgi(const std::string& out) {
    FcgiResponse r;
    const auto split = out.find("\r\n\r\n");
    if (split == std::string::npos) {
        return r;
    }
    std::istringstream head(out.substr(0, split));
    std::string line;
    r.status = 200;
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (name == "status") {
            r.status = std::atoi(value.c_str());
        }
        r.headers[name] = value;
    }
    r.body = out.substr(split + 4);
    return r;
}

}  // namespace

FcgiResponse fcgi_get(const std::string& socket_path, const std::string& target,
                      const std::string& request_id, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        return {};
    }
    const auto q = target.find('?');
    const std::string path = target.substr(0, q);
    const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
    std::string req;
    record(req, kBeginRequest, std::string("\0\1\0\0\0\0\0\0", 8));  // responder, close after
    record(req, kParams,
           params({{"REQUEST_METHOD", "GET"},
                   {"DOCUMENT_URI", path},
                   {"REQUEST_URI", target},
                   {"QUERY_STRING", query},
                   {"REMOTE_ADDR", "127.0.0.1"},
                   {"REQUEST_ID", request_id},
                   {"SERVER_PROTOCOL", "HTTP/1.1"}}));
    record(req, kParams, "");
    record(req, kStdin, "");
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        ::close(fd);
        return {};
    }
    std::string in;
    std::string stdout_data;
    bool ended = false;
    while (!ended && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            continue;
        }
        char buf[65536];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
            break;
        }
        in.append(buf, static_cast<std::size_t>(n));
        while (in.size() >= 8) {
            const auto type = static_cast<unsigned char>(in[1]);
            const std::size_t len =
                (static_cast<unsigned char>(in[4]) << 8) | static_cast<unsigned char>(in[5]);
            const std::size_t pad = static_cast<unsigned char>(in[6]);
            if (in.size() < 8 + len + pad) {
                break;
            }
            if (type == kStdout) {
                stdout_data.append(in, 8, len);
            } else if (type == kEndRequest) {
                ended = true;
            }
            in.erase(0, 8 + len + pad);
        }
    }
    ::close(fd);
    return ended ? parse_cgi(stdout_data) : FcgiResponse{};
}

}  // namespace harness
