// Connections, topics and per-address counts of scoreline-sse; see registry.hpp.
#include "registry.hpp"

#include <stdexcept>

namespace sse {

Client& Registry::add(int fd, std::string peer, HttpLimits limits, Loop::Clock::time_point now) {
    const std::uint64_t id = next_id_++;
    auto client = std::make_unique<Client>(id, fd, std::move(peer), limits, now);
    Client& ref = *client;
    clients_.emplace(id, std::move(client));
    ++per_state_[static_cast<std::size_t>(ClientState::kHandshaking)];
    return ref;
}

Client* Registry::find(std::uint64_t id) noexcept {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : it->second.get();
}

void Registry::set_state(Client& client, ClientState to) {
    if (!transition_allowed(client.state, to)) {
        throw std::logic_error("sse client " + std::to_string(client.id) + ": " +
                               std::string(to_string(client.state)) + " -> " +
                               std::string(to_string(to)) + " is not allowed");
    }
    --per_state_[static_cast<std::size_t>(client.state)];
    ++per_state_[static_cast<std::size_t>(to)];
    client.state = to;
    if (to == ClientState::kClosed) {
        closed_.push_back(client.id);
    }
}

bool Registry::claim_ip(Client& client, std::size_t max) {
    if (client.ip_counted) {
        return true;
    }
    std::size_t& n = per_ip_[client.ip];
    if (n >= max) {
        if (n == 0) {
            per_ip_.erase(client.ip);
        }
        return false;
    }
    ++n;
    client.ip_counted = true;
    return true;
}

void Registry::subscribe(Client& client) {
    for (const auto& topic : client.topics) {
        topics_[topic].insert(&client);
    }
}

void Registry::for_each_subscriber(const std::string& topic,
                                   const std::function<void(Client&)>& fn) {
    auto it = topics_.find(topic);
    if (it == topics_.end()) {
        return;
    }
    for (Client* c : it->second) {
        if (c->state == ClientState::kStreaming) {
            fn(*c);
        }
    }
}

void Registry::for_each_open(const std::function<void(Client&)>& fn) {
    for (auto& [id, c] : clients_) {
        if (c->state != ClientState::kClosed) {
            fn(*c);
        }
    }
}

void Registry::forget(Client& client) {
    for (const auto& topic : client.topics) {
        auto it = topics_.find(topic);
        if (it == topics_.end()) {
            continue;
        }
        it->second.erase(&client);
        if (it->second.empty()) {
            topics_.erase(it);
        }
    }
    if (client.ip_counted) {
        auto it = per_ip_.find(client.ip);
        if (it != per_ip_.end() && --it->second == 0) {
            per_ip_.erase(it);
        }
        client.ip_counted = false;
    }
}

std::size_t Registry::reap() {
    std::size_t n = 0;
    for (std::uint64_t id : closed_) {
        auto it = clients_.find(id);
        if (it == clients_.end()) {
            continue;
        }
        forget(*it->second);
        --per_state_[static_cast<std::size_t>(ClientState::kClosed)];
        clients_.erase(it);
        ++n;
    }
    closed_.clear();
    return n;
}

}  // namespace sse
