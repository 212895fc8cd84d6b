// sse::Loop: a small epoll event loop in the shape of Redis's ae.c. It watches
// file descriptors, runs one-shot timers and deferred work, and knows nothing
// about SSE or HTTP. One iteration waits until the nearest timer (or not at
// all when work is deferred), runs the callbacks of the ready descriptors,
// then the due timers, then the deferred work. Single-threaded: every method
// is called from the thread that runs run().
#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sse {

class Loop {
  public:
    using Clock = std::chrono::steady_clock;
    using FdCallback = std::function<void(std::uint32_t events)>;
    using Callback = std::function<void()>;
    using TimerId = std::uint64_t;

    // Creates the epoll instance; throws std::system_error.
    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Watches fd for `events` (EPOLLIN, EPOLLOUT, EPOLLRDHUP …; EPOLLERR and
    // EPOLLHUP always come). Watching an fd that is already watched replaces
    // its events and callback. Throws std::system_error.
    void watch(int fd, std::uint32_t events, FdCallback callback);
    // Changes the events of a watched fd. Throws std::system_error.
    void modify(int fd, std::uint32_t events);
    // Stops watching fd (call it before close()). Events already fetched for
    // this fd in the current batch are dropped, even when a new descriptor
    // with the same number is watched before they would have run.
    void unwatch(int fd) noexcept;
    [[nodiscard]] bool watching(int fd) const noexcept;

    // Runs `callback` once, `delay` from now. Returns an id for cancel_timer().
    [[nodiscard]] TimerId add_timer(std::chrono::milliseconds delay, Callback callback);
    // Forgets a timer; harmless for a timer that already ran.
    void cancel_timer(TimerId id) noexcept;
    // Runs `callback` after the descriptor and timer callbacks of this
    // iteration (or of the next one, when called from deferred work).
    void defer(Callback callback);

    // Runs iterations until stop(). Exceptions from callbacks propagate.
    void run();
    void stop() noexcept { stopping_ = true; }
    // Time at the start of the current iteration's callbacks.
    [[nodiscard]] Clock::time_point now() const noexcept { return now_; }

  private:
    struct Watch {
        std::uint32_t generation = 0;
        // On the heap so the callable keeps its address while it runs, even
        // when it unwatches or re-watches its own fd.
        std::unique_ptr<FdCallback> callback;
    };
    void run_once();
    [[nodiscard]] int wait_timeout_ms() const;
    void run_due_timers();
    void run_deferred();

    int epfd_ = -1;
    bool stopping_ = false;
    Clock::time_point now_;
    std::uint32_t next_generation_ = 1;
    std::unordered_map<int, Watch> watches_;
    // Callbacks of unwatched fds live until the end of the iteration: an fd's
    // callback may unwatch its own fd while it runs.
    std::vector<std::unique_ptr<FdCallback>> retired_;
    TimerId next_timer_ = 1;
    std::map<std::pair<Clock::time_point, TimerId>, Callback> timers_;
    std::unordered_map<TimerId, Clock::time_point> timer_due_;
    std::vector<Callback> deferred_;
};

}  // namespace sse
