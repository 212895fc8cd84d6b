// Prometheus text rendering of scoreline-sse's metrics; see metrics.hpp.
#include "metrics.hpp"

#include <cstdio>

namespace sse {
namespace {

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

void scalar(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            double value) {
    header(out, name, type, help);
    out += name;
    out += ' ';
    out += number(value);
    out += '\n';
}

void labelled(std::string& out, std::string_view name, std::string_view help,
              std::string_view label, const std::map<std::string, std::uint64_t>& values) {
    header(out, name, "counter", help);
    for (const auto& [k, v] : values) {
        out += std::string(name) + "{" + std::string(label) + "=\"" + k + "\"} " +
               std::to_string(v) + "\n";
    }
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) noexcept {
    std::size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) {
        ++i;
    }
    ++counts_[i];
    sum_ += value;
    ++count_;
}

void Histogram::render(std::string& out, std::string_view name, std::string_view help) const {
    header(out, name, "histogram", help);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        cumulative += counts_[i];
        out += std::string(name) + "_bucket{le=\"" + number(bounds_[i]) + "\"} " +
               std::to_string(cumulative) + "\n";
    }
    cumulative += counts_.back();
    out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
    out += std::string(name) + "_sum " + number(sum_) + "\n";
    out += std::string(name) + "_count " + std::to_string(count_) + "\n";
}

std::string render_metrics(const Metrics& m, const Gauges& g) {
    std::string out;
    header(out, "scoreline_sse_connections", "gauge", "Open connections by state.");
    out +=
        "scoreline_sse_connections{state=\"handshaking\"} " + std::to_string(g.handshaking) + "\n";
    out += "scoreline_sse_connections{state=\"streaming\"} " + std::to_string(g.streaming) + "\n";
    out += "scoreline_sse_connections{state=\"draining\"} " + std::to_string(g.draining) + "\n";
    scalar(out, "scoreline_sse_max_connections", "gauge",
           "Connections this process accepts before answering 503.",
           static_cast<double>(g.max_connections));
    scalar(out, "scoreline_sse_topics", "gauge", "Topics with at least one subscriber.",
           static_cast<double>(g.topics));
    scalar(out, "scoreline_sse_accepted_total", "counter", "Connections accepted.",
           static_cast<double>(m.accepted));
    scalar(out, "scoreline_sse_streams_opened_total", "counter", "Streams answered with 200.",
           static_cast<double>(m.streams_opened));
    labelled(out, "scoreline_sse_rejected_total", "Requests answered with an error, by reason.",
             "reason", m.rejected);
    labelled(out, "scoreline_sse_closed_total",
             "Connections closed, by reason (backlog, write_timeout, handshake_timeout and "
             "io_error are clients dropped by the server).",
             "reason", m.closed);
    scalar(out, "scoreline_sse_messages_sent_total", "counter",
           "Messages written to clients (one per client).", static_cast<double>(m.messages_sent));
    scalar(out, "scoreline_sse_bytes_sent_total", "counter", "Bytes written to clients.",
           static_cast<double>(m.bytes_sent));
    scalar(out, "scoreline_sse_heartbeats_total", "counter", "Heartbeat rounds.",
           static_cast<double>(m.heartbeats));
    scalar(out, "scoreline_sse_replays_total", "counter", "Last-Event-ID replays served.",
           static_cast<double>(m.replays));
    scalar(out, "scoreline_sse_replayed_messages_total", "counter", "Messages queued by replays.",
           static_cast<double>(m.replayed_messages));
    scalar(out, "scoreline_sse_resets_total", "counter",
           "Reconnects older than the replay window, answered with event: reset.",
           static_cast<double>(m.resets));
    scalar(out, "scoreline_sse_outbox_rows_total", "counter", "Outbox rows read and fanned out.",
           static_cast<double>(m.outbox_rows));
    scalar(out, "scoreline_sse_outbox_probes_total", "counter",
           "Outbox probes (fence queries) sent to PostgreSQL; at most one per "
           "SCORELINE_SSE_PROBE_GAP_MS.",
           static_cast<double>(g.outbox_probes));
    scalar(out, "scoreline_sse_outbox_delivered_id", "gauge",
           "Every outbox row up to this id has been fanned out.",
           static_cast<double>(g.delivered_id));
    scalar(out, "scoreline_sse_outbox_final_id", "gauge",
           "Every outbox row up to this id is committed or will never be.",
           static_cast<double>(g.final_id));
    scalar(out, "scoreline_sse_db_connected", "gauge",
           "1 while the LISTEN connection to PostgreSQL is up.", g.db_connected ? 1 : 0);
    scalar(out, "scoreline_sse_db_reconnects_total", "counter",
           "Times the database connection was re-established.",
           static_cast<double>(g.db_reconnects));
    m.delivery_latency.render(out, "scoreline_sse_delivery_latency_seconds",
                              "From the outbox row's created_at to its last byte on a client "
                              "socket.");
    return out;
}

}  // namespace sse
