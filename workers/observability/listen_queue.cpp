// The accept queue of the FastCGI socket; see listen_queue.hpp.
#include "observability/listen_queue.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace api::obs {
namespace {

// One exact lookup by inode: the kernel answers one unix_diag_msg with the
// UNIX_DIAG_RQLEN attribute, or an NLMSG_ERROR.
std::optional<ListenQueue> unix_queue(ino_t inode) {
    const int nl = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (nl < 0) {
        return std::nullopt;
    }
    struct {
        nlmsghdr head;
        unix_diag_req req;
    } msg{};
    msg.head.nlmsg_len = sizeof msg;
    msg.head.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.head.nlmsg_flags = NLM_F_REQUEST;
    msg.req.sdiag_family = AF_UNIX;
    msg.req.udiag_states = ~0U;
    msg.req.udiag_ino = static_cast<__u32>(inode);
    msg.req.udiag_show = UDIAG_SHOW_RQLEN;
    msg.req.udiag_cookie[0] = INET_DIAG_NOCOOKIE;
    msg.req.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    std::optional<ListenQueue> out;
    std::array<char, 4096> buf{};
    pollfd p{nl, POLLIN, 0};
    if (::sendto(nl, &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) ==
            static_cast<ssize_t>(sizeof msg) &&
        ::poll(&p, 1, 100) == 1) {
        // The netlink macros are old-style casts: the reply is walked by hand.
        const ssize_t n = ::recv(nl, buf.data(), buf.size(), 0);
        nlmsghdr head{};
        if (n >= static_cast<ssize_t>(NLMSG_HDRLEN + sizeof(unix_diag_msg))) {
            std::memcpy(&head, buf.data(), sizeof head);
        }
        if (head.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            head.nlmsg_len <= static_cast<std::size_t>(n)) {
            const char* at = buf.data() + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(unix_diag_msg));
            const char* end = buf.data() + head.nlmsg_len;
            while (at + sizeof(rtattr) <= end) {
                rtattr attr{};
                std::memcpy(&attr, at, sizeof attr);
                if (attr.rta_len < sizeof(rtattr) || at + attr.rta_len > end) {
                    break;
                }
                if (attr.rta_type == UNIX_DIAG_RQLEN &&
                    attr.rta_len >= RTA_LENGTH(sizeof(unix_diag_rqlen))) {
                    unix_diag_rqlen q{};
                    std::memcpy(&q, at + RTA_LENGTH(0), sizeof q);
                    out = ListenQueue{q.udiag_rqueue, q.udiag_wqueue};
                }
                at += RTA_ALIGN(attr.rta_len);
            }
        }
    }
    ::close(nl);
    return out;
}

}  // namespace

std::optional<ListenQueue> read_listen_queue(int listen_fd) {
    int domain = 0;
    socklen_t len = sizeof domain;
    int listening = 0;
    socklen_t listening_len = sizeof listening;
    if (::getsockopt(listen_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
        ::getsockopt(listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &listening_len) != 0 ||
        listening == 0) {
        return std::nullopt;
    }
    if (domain == AF_UNIX) {
        struct stat st {};
        if (::fstat(listen_fd, &st) != 0) {
            return std::nullopt;
        }
        return unix_queue(st.st_ino);
    }
    if (domain == AF_INET || domain == AF_INET6) {
        // For a listening socket the kernel reports the accept queue in
        // tcpi_unacked and its size in tcpi_sacked.
        tcp_info info{};
        len = sizeof info;
        if (::getsockopt(listen_fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
            info.tcpi_state != TCP_LISTEN) {
            return std::nullopt;
        }
        return ListenQueue{info.tcpi_unacked, info.tcpi_sacked};
    }
    return std::nullopt;
}

}  // namespace api::obs
