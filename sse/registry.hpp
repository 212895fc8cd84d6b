// sse::Registry: every connection of scoreline-sse, the topics each streaming
// client follows and the number of connections per client address. It owns
// the Client objects; set_state() is the one place a state changes, checked
// against the allowed transitions and counted per state for /metrics. A
// closed client stays (skipped by every iteration) until reap() frees it at
// a safe point, so closing one while iterating a topic is harmless.
// Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "client.hpp"

namespace sse {

class Registry {
  public:
    // A new connection in state Handshaking.
    Client& add(int fd, std::string peer, HttpLimits limits, Loop::Clock::time_point now);
    [[nodiscard]] Client* find(std::uint64_t id) noexcept;

    // Throws std::logic_error for a transition client.hpp does not allow.
    void set_state(Client& client, ClientState to);
    [[nodiscard]] std::size_t count(ClientState state) const noexcept {
        return per_state_[static_cast<std::size_t>(state)];
    }
    // Connections not yet reaped, whatever their state.
    [[nodiscard]] std::size_t size() const noexcept { return clients_.size(); }
    // Live (not closed) connections.
    [[nodiscard]] std::size_t open() const noexcept {
        return clients_.size() - count(ClientState::kClosed);
    }

    // Counts the client against its address; false (and not counted) when
    // the address already has `max` connections.
    [[nodiscard]] bool claim_ip(Client& client, std::size_t max);

    // Adds the client to its topics' subscriber sets.
    void subscribe(Client& client);
    [[nodiscard]] bool has_subscribers(const std::string& topic) const {
        return topics_.count(topic) > 0;
    }
    [[nodiscard]] std::size_t topic_count() const noexcept { return topics_.size(); }
    // Calls fn for every streaming subscriber of `topic`.
    void for_each_subscriber(const std::string& topic, const std::function<void(Client&)>& fn);
    // Calls fn for every client that is not closed.
    void for_each_open(const std::function<void(Client&)>& fn);

    // Frees every closed client; returns how many.
    std::size_t reap();

  private:
    void forget(Client& client);

    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<Client>> clients_;
    std::unordered_map<std::string, std::unordered_set<Client*>> topics_;
    std::unordered_map<std::string, std::size_t> per_ip_;
    std::array<std::size_t, kClientStateCount> per_state_{};
    std::vector<std::uint64_t> closed_;
};

}  // namespace sse
