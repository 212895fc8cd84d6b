// An EventSource-like test subscriber; see stream_subscriber.hpp.
#include "stream_subscriber.hpp"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "sse_client.hpp"

namespace harness {

using namespace std::chrono_literals;

StreamSubscriber::StreamSubscriber(Stack& stack, std::vector<std::string> topics,
                                   std::int64_t after_id, Pace pace, unsigned seed)
    : stack_(stack),
      topics_(std::move(topics)),
      last_(after_id),
      pace_(pace),
      slow_until_(std::chrono::steady_clock::now() + kSlowFor),
      rng_(seed) {
    thread_ = std::thread([this] { run(); });
}

StreamSubscriber::~StreamSubscriber() {
    stop_ = true;
    thread_.join();
}

std::vector<std::pair<std::int64_t, std::string>> StreamSubscriber::received() const {
    std::lock_guard lock(mu_);
    return received_;
}

std::vector<std::string> StreamSubscriber::problems() const {
    std::lock_guard lock(mu_);
    return problems_;
}

void StreamSubscriber::run() {
    while (!stop_) {
        std::string target = "/api/v1/stream?topics=";
        for (std::size_t i = 0; i < topics_.size(); ++i) {
            target += (i ? "," : "") + topics_[i];
        }
        SseClientOptions o;
        o.url = stack_.https_url(target);
        o.ca_file = stack_.cert_file();
        o.headers = {"Last-Event-ID: " + std::to_string(last_.load())};
        o.http1_only = (rng_() % 2) == 0;
        const bool slow = pace_ == Pace::kSlow && std::chrono::steady_clock::now() < slow_until_;
        if (slow) {
            o.max_recv_bytes_per_s = kSlowBytesPerSecond;
        }
        SseClient client(o);
        ++connections_;
        if (client.wait_status(10s) != 200) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng_() % 200));
            continue;
        }
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(200 + rng_() % 1500);
        std::size_t taken = 0;
        for (;;) {
            const bool ended = client.wait_finished(50ms);
            take(client.events(), taken);
            const auto now = std::chrono::steady_clock::now();
            if (ended || stop_ || (pace_ == Pace::kFlapping && now > deadline) ||
                (slow && now >= slow_until_)) {
                break;
            }
        }
        client.stop();
        take(client.events(), taken);
    }
}

void StreamSubscriber::take(const std::vector<SseEvent>& events, std::size_t& taken) {
    std::lock_guard lock(mu_);
    for (; taken < events.size(); ++taken) {
        const auto& e = events[taken];
        if (e.event == "reset") {
            problems_.push_back("reset: " + e.data);
            continue;
        }
        const std::int64_t id = std::stoll(e.id);
        // A test's own outbox rows name their topic; the API's carry event_id.
        const auto data = nlohmann::json::parse(e.data);
        received_.emplace_back(id, data.contains("topic")
                                       ? data["topic"].get<std::string>()
                                       : "event:" + std::to_string(data.value("event_id", 0L)));
        last_ = id;
    }
}

std::vector<std::pair<std::int64_t, std::string>> messages_of(
    const std::vector<std::pair<std::int64_t, std::string>>& all,
    const std::vector<std::string>& topics) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    for (const auto& row : all) {
        if (std::find(topics.begin(), topics.end(), row.second) != topics.end()) {
            out.push_back(row);
        }
    }
    return out;
}

}  // namespace harness
