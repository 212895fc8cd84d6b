// api::obs::read_listen_queue: how many connections wait in the accept queue
// of a listening socket, and the queue's size (php-fpm's "listen queue" and
// "listen queue len"). A unix socket is asked through NETLINK_SOCK_DIAG
// (UNIX_DIAG_RQLEN of the socket's inode); a TCP one through TCP_INFO
// (tcpi_unacked / tcpi_sacked of a listening socket). Any process holding the
// fd may call it; it blocks for one netlink round trip at most.
#pragma once

#include <cstdint>
#include <optional>

namespace api::obs {

struct ListenQueue {
    std::uint64_t queued = 0;   // connections not accepted yet
    std::uint64_t backlog = 0;  // the most the kernel queues (listen()'s backlog, capped)
};

// nullopt when `listen_fd` is not a listening unix or TCP socket or the
// kernel does not answer.
[[nodiscard]] std::optional<ListenQueue> read_listen_queue(int listen_fd);

}  // namespace api::obs
