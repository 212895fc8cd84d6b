// harness::StreamSubscriber: one client following topics the way a browser's
// EventSource does — it reconnects with Last-Event-ID whenever its stream
// ends or is refused (a 502 while a process dies, a 503 while PostgreSQL is
// away), and keeps every message it was given, in arrival order, for the
// test to compare with the outbox table. A flapping subscriber also drops
// its stream at random moments; a slow one reads at a capped rate for its
// first kSlowFor, so the server's buffers for it fill up, then drops that
// stream and reads at full speed (a client slower than the stream for good
// falls ever further behind, and past the replay window gets a reset, as it
// should). Its own thread; stops in the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stack.hpp"

namespace harness {

enum class Pace { kSteady, kFlapping, kSlow };

class StreamSubscriber {
  public:
    // A slow subscriber reads this many bytes a second at most, for kSlowFor.
    static constexpr long kSlowBytesPerSecond = 32 * 1024;
    static constexpr std::chrono::seconds kSlowFor{8};

    StreamSubscriber(Stack& stack, std::vector<std::string> topics, std::int64_t after_id,
                     Pace pace, unsigned seed);
    ~StreamSubscriber();
    StreamSubscriber(const StreamSubscriber&) = delete;
    StreamSubscriber& operator=(const StreamSubscriber&) = delete;

    // True once it holds a message with id >= `id`.
    [[nodiscard]] bool reached(std::int64_t id) const { return last_.load() >= id; }
    // (id, topic) of every message, in the order they arrived.
    [[nodiscard]] std::vector<std::pair<std::int64_t, std::string>> received() const;
    [[nodiscard]] const std::vector<std::string>& topics() const { return topics_; }
    [[nodiscard]] int connections() const { return connections_; }
    // Anything a correct stream never sends (an `event: reset`).
    [[nodiscard]] std::vector<std::string> problems() const;

  private:
    void run();
    void take(const std::vector<struct SseEvent>& events, std::size_t& taken);

    Stack& stack_;
    std::vector<std::string> topics_;
    std::atomic<std::int64_t> last_;
    Pace pace_;
    std::chrono::steady_clock::time_point slow_until_;
    std::mt19937 rng_;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mu_;
    std::vector<std::pair<std::int64_t, std::string>> received_;
    std::vector<std::string> problems_;
    std::thread thread_;
};

// Messages of `topics` among `all` (id, topic), in id order: what a
// subscriber of those topics must have received, exactly once each.
[[nodiscard]] std::vector<std::pair<std::int64_t, std::string>> messages_of(
    const std::vector<std::pair<std::int64_t, std::string>>& all,
    const std::vector<std::string>& topics);

}  // namespace harness
