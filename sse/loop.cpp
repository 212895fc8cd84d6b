// The epoll loop of scoreline-sse; see loop.hpp.
#include "loop.hpp"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace sse {
namespace {

constexpr int kMaxEvents = 256;

std::uint64_t pack(int fd, std::uint32_t generation) {
    return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}

}  // namespace

Loop::Loop() : now_(Clock::now()) {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epfd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_create1");
    }
}

Loop::~Loop() {
    if (epfd_ >= 0) {
        ::close(epfd_);
    }
}

void Loop::watch(int fd, std::uint32_t events, FdCallback callback) {
    auto it = watches_.find(fd);
    const bool known = it != watches_.end();
    const std::uint32_t generation = next_generation_++;
    struct epoll_event ev {};
    ev.events = events;
    ev.data.u64 = pack(fd, generation);
    if (::epoll_ctl(epfd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_ctl watch");
    }
    if (known) {
        retired_.push_back(std::move(it->second.callback));
        it->second = Watch{generation, std::make_unique<FdCallback>(std::move(callback))};
    } else {
        watches_.emplace(fd, Watch{generation, std::make_unique<FdCallback>(std::move(callback))});
    }
}

void Loop::modify(int fd, std::uint32_t events) {
    auto it = watches_.find(fd);
    if (it == watches_.end()) {
        throw std::system_error(EBADF, std::generic_category(), "Loop::modify of an unwatched fd");
    }
    struct epoll_event ev {};
    ev.events = events;
    ev.data.u64 = pack(fd, it->second.generation);
    if (::epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
        throw std::system_error(errno, std::generic_category(), "epoll_ctl modify");
    }
}

void Loop::unwatch(int fd) noexcept {
    auto it = watches_.find(fd);
    if (it == watches_.end()) {
        return;
    }
    (void)::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
    retired_.push_back(std::move(it->second.callback));
    watches_.erase(it);
}

bool Loop::watching(int fd) const noexcept {
    return watches_.count(fd) > 0;
}

Loop::TimerId Loop::add_timer(std::chrono::milliseconds delay, Callback callback) {
    const TimerId id = next_timer_++;
    const auto due = Clock::now() + delay;
    timers_.emplace(std::make_pair(due, id), std::move(callback));
    timer_due_.emplace(id, due);
    return id;
}

void Loop::cancel_timer(TimerId id) noexcept {
    auto it = timer_due_.find(id);
    if (it == timer_due_.end()) {
        return;
    }
    timers_.erase(std::make_pair(it->second, id));
    timer_due_.erase(it);
}

void Loop::defer(Callback callback) {
    deferred_.push_back(std::move(callback));
}

void Loop::run() {
    stopping_ = false;
    while (!stopping_) {
        run_once();
    }
}

int Loop::wait_timeout_ms() const {
    if (!deferred_.empty() || stopping_) {
        return 0;
    }
    if (timers_.empty()) {
        return -1;
    }
    const auto wait = timers_.begin()->first.first - Clock::now();
    if (wait <= Clock::duration::zero()) {
        return 0;
    }
    // Round up so a timer is never woken for a moment before it is due.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    return ms > 60000 ? 60000 : static_cast<int>(ms);
}

void Loop::run_once() {
    std::array<struct epoll_event, kMaxEvents> events{};
    const int n = ::epoll_wait(epfd_, events.data(), kMaxEvents, wait_timeout_ms());
    if (n < 0 && errno != EINTR) {
        throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    now_ = Clock::now();
    for (int i = 0; i < n; ++i) {
        const int fd = static_cast<int>(events[i].data.u64 & 0xffffffffu);
        const auto generation = static_cast<std::uint32_t>(events[i].data.u64 >> 32);
        auto it = watches_.find(fd);
        // A stale event: the fd was unwatched (and maybe reused) earlier in this batch.
        if (it == watches_.end() || it->second.generation != generation) {
            continue;
        }
        FdCallback* callback = it->second.callback.get();
        (*callback)(events[i].events);
    }
    run_due_timers();
    run_deferred();
    retired_.clear();
}

void Loop::run_due_timers() {
    const auto now = Clock::now();
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
        auto node = timers_.extract(timers_.begin());
        timer_due_.erase(node.key().second);
        node.mapped()();
    }
}

void Loop::run_deferred() {
    std::vector<Callback> work;
    work.swap(deferred_);
    for (auto& fn : work) {
        fn();
    }
}

}  // namespace sse
