// Listening sockets; see listener.hpp.
#include "listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sse {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
    throw std::runtime_error(what + ": " + std::strerror(err));
}

sockaddr_un unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        throw std::runtime_error("unix socket path too long: " + path);
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// True when something accepts connections on the socket at `path`.
bool socket_in_use(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const sockaddr_un addr = unix_address(path);
    const bool live = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return live;
}

}  // namespace

int listen_unix(const std::string& path, mode_t mode, int backlog) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            throw std::runtime_error(path + " exists and is not a socket");
        }
        if (socket_in_use(path)) {
            throw std::runtime_error(path + " is in use by another process");
        }
        ::unlink(path.c_str());
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail("socket(AF_UNIX)", errno);
    }
    const sockaddr_un addr = unix_address(path);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        fail("bind " + path, err);
    }
    if (::chmod(path.c_str(), mode) != 0 || ::listen(fd, backlog) != 0) {
        const int err = errno;
        ::close(fd);
        fail("listen " + path, err);
    }
    return fd;
}

int listen_tcp(const config::ListenAddress& address, int backlog) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail("socket(AF_INET)", errno);
    }
    const int one = 1;
    (void)::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(address.port);
    if (::inet_pton(AF_INET, address.host.c_str(), &addr.sin_addr) != 1) {
        ::close(fd);
        throw std::runtime_error("not an IPv4 address: " + address.host);
    }
    const std::string name = address.host + ":" + std::to_string(address.port);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        const int err = errno;
        ::close(fd);
        fail("bind " + name, err);
    }
    if (::listen(fd, backlog) != 0) {
        const int err = errno;
        ::close(fd);
        fail("listen " + name, err);
    }
    return fd;
}

std::optional<Accepted> accept_one(int listen_fd, int& error) {
    error = 0;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    for (;;) {
        const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            Accepted a{fd, "unix"};
            if (ss.ss_family == AF_INET) {
                char buf[INET_ADDRSTRLEN] = {};
                const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
                ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
                a.peer = buf;
            }
            return a;
        }
        if (errno == EINTR || errno == ECONNABORTED) {
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            error = errno;
        }
        return std::nullopt;
    }
}

}  // namespace sse
