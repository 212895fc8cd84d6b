// sse::Metrics: the counters and the delivery-latency histogram of one
// scoreline-sse process, and their rendering in the Prometheus text format
// (served on the loopback ops port, ops_endpoint.hpp). Gauges that belong to
// other parts (connections by state, the outbox position) are passed in when
// rendering. Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sse {

class Histogram {
  public:
    explicit Histogram(std::vector<double> upper_bounds);
    void observe(double value) noexcept;
    // Lines of `name`_bucket/_sum/_count (HELP and TYPE included).
    void render(std::string& out, std::string_view name, std::string_view help) const;

  private:
    std::vector<double> bounds_;
    std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; last = +Inf
    double sum_ = 0;
    std::uint64_t count_ = 0;
};

struct Metrics {
    std::uint64_t accepted = 0;
    std::uint64_t streams_opened = 0;
    std::uint64_t messages_sent = 0;  // message frames fully written, per client
    std::uint64_t bytes_sent = 0;
    std::uint64_t heartbeats = 0;  // heartbeat rounds
    std::uint64_t replays = 0;     // replay queries answered with rows (maybe none)
    std::uint64_t replayed_messages = 0;
    std::uint64_t resets = 0;
    std::uint64_t outbox_rows = 0;                  // rows fanned out
    std::map<std::string, std::uint64_t> rejected;  // answers other than 200, by reason
    std::map<std::string, std::uint64_t> closed;    // connections ended, by reason
    // Seconds from the outbox row's created_at to the write of its last byte.
    Histogram delivery_latency{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}};
};

// Values owned elsewhere, read when /metrics is served.
struct Gauges {
    std::size_t handshaking = 0;
    std::size_t streaming = 0;
    std::size_t draining = 0;
    std::size_t max_connections = 0;
    std::int64_t delivered_id = 0;
    std::int64_t final_id = 0;
    bool db_connected = false;
    std::uint64_t db_reconnects = 0;
    std::uint64_t outbox_probes = 0;
    std::uint64_t topics = 0;
};

[[nodiscard]] std::string render_metrics(const Metrics& m, const Gauges& g);

}  // namespace sse
