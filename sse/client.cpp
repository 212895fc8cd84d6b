// A scoreline-sse connection and its output queue; see client.hpp.
#include "client.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cerrno>

namespace sse {

std::string_view to_string(ClientState state) noexcept {
    switch (state) {
        case ClientState::kHandshaking:
            return "handshaking";
        case ClientState::kStreaming:
            return "streaming";
        case ClientState::kDraining:
            return "draining";
        case ClientState::kClosed:
            return "closed";
    }
    return "unknown";
}

bool transition_allowed(ClientState from, ClientState to) noexcept {
    switch (from) {
        case ClientState::kHandshaking:
            return to == ClientState::kStreaming || to == ClientState::kDraining ||
                   to == ClientState::kClosed;
        case ClientState::kStreaming:
            return to == ClientState::kDraining || to == ClientState::kClosed;
        case ClientState::kDraining:
            return to == ClientState::kClosed;
        case ClientState::kClosed:
            return false;
    }
    return false;
}

std::string_view to_string(CloseReason reason) noexcept {
    switch (reason) {
        case CloseReason::kNone:
            return "none";
        case CloseReason::kBacklog:
            return "backlog";
        case CloseReason::kWriteTimeout:
            return "write_timeout";
        case CloseReason::kHandshakeTimeout:
            return "handshake_timeout";
        case CloseReason::kIoError:
            return "io_error";
        case CloseReason::kPeerClosed:
            return "peer_closed";
        case CloseReason::kAnswered:
            return "answered";
        case CloseReason::kShutdown:
            return "shutdown";
        case CloseReason::kRefused:
            return "refused";
    }
    return "unknown";
}

bool is_drop(CloseReason reason) noexcept {
    return reason == CloseReason::kBacklog || reason == CloseReason::kWriteTimeout ||
           reason == CloseReason::kHandshakeTimeout || reason == CloseReason::kIoError;
}

std::size_t Client::enqueue(FramePtr frame, Loop::Clock::time_point now) {
    if (frame->is_message()) {
        if (frame->id <= last_id) {
            return queued_bytes;
        }
        last_id = frame->id;
    }
    if (queue.empty()) {
        last_progress = now;
    }
    queued_bytes += frame->bytes.size();
    queue.push_back(std::move(frame));
    return queued_bytes;
}

void Client::refill_replay(std::size_t page_bytes, Loop::Clock::time_point now) {
    while (!replay_rest.empty() && queued_bytes < page_bytes) {
        (void)enqueue(std::move(replay_rest.front()), now);
        replay_rest.pop_front();
    }
}

WriteProgress Client::write_queued(Loop::Clock::time_point now) {
    WriteProgress progress;
    constexpr std::size_t kMaxIov = 64;
    while (!queue.empty()) {
        std::array<struct iovec, kMaxIov> iov{};
        std::size_t n = 0;
        std::size_t skip = offset;
        for (auto it = queue.begin(); it != queue.end() && n < kMaxIov; ++it, ++n) {
            const std::string& bytes = (*it)->bytes;
            // iovec wants a non-const pointer; sendmsg only reads it.
            iov[n].iov_base = const_cast<char*>(bytes.data() + skip);
            iov[n].iov_len = bytes.size() - skip;
            skip = 0;
        }
        struct msghdr msg {};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = n;
        const ssize_t written = ::sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            progress.status = (errno == EAGAIN || errno == EWOULDBLOCK)
                                  ? WriteProgress::Status::kBlocked
                                  : WriteProgress::Status::kError;
            return progress;
        }
        last_progress = now;
        auto left = static_cast<std::size_t>(written);
        progress.bytes += left;
        queued_bytes -= left;
        while (left > 0) {
            const Frame& front = *queue.front();
            const std::size_t rest = front.bytes.size() - offset;
            if (left < rest) {
                offset += left;
                break;
            }
            left -= rest;
            offset = 0;
            if (front.is_message()) {
                ++progress.messages;
                progress.created_epochs.push_back(front.created_epoch);
            }
            queue.pop_front();
        }
    }
    progress.status = WriteProgress::Status::kDrained;
    return progress;
}

}  // namespace sse
