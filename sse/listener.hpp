// Listening sockets of scoreline-sse: a unix socket (what nginx proxies to),
// optional TCP ones, and accepting from them without blocking. Opened once at
// start; errors throw std::runtime_error naming the address. Loop thread only.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "config.hpp"

namespace sse {

// Binds a unix stream socket at `path` with `mode` and listens. A stale
// socket file (nobody accepts on it) is replaced; a live one is an error.
[[nodiscard]] int listen_unix(const std::string& path, mode_t mode, int backlog);
// Binds host:port (IPv4) with SO_REUSEADDR and listens.
[[nodiscard]] int listen_tcp(const config::ListenAddress& address, int backlog);

struct Accepted {
    int fd = -1;       // non-blocking, close-on-exec
    std::string peer;  // "1.2.3.4" for TCP, "unix" for a unix socket
};
// One accept4(); nullopt when nothing is pending. `error` gets errno for a
// failure other than EAGAIN (EMFILE, ENFILE, …), else 0.
[[nodiscard]] std::optional<Accepted> accept_one(int listen_fd, int& error);

}  // namespace sse
