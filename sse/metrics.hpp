// The metrics of scoreline-sse: every counted family is declared here, once,
// and counted where it happens with one metrics::inc / observe call into this
// process's private store (metrics/store.hpp; one loop thread, no fork).
// render_metrics() writes them with the shared Prometheus renderer, plus the
// gauges other parts own (connections by state, the outbox position, the
// database connection), read when /metrics is served (ops_endpoint.hpp),
// scoreline_build_info and process_*. docs/sse.md lists each one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "client.hpp"
#include "metrics/family.hpp"

namespace sse {

namespace obs {

using metrics::counter;
using metrics::histogram;

inline constexpr metrics::Family kAccepted =
    counter("scoreline_sse_accepted_total", "Connections accepted.");
inline constexpr metrics::Family kStreamsOpened =
    counter("scoreline_sse_streams_opened_total", "Streams answered with 200.");
inline constexpr metrics::Family kRejected = counter(
    "scoreline_sse_rejected_total", "Requests answered with an error, by reason.", {"reason"});
inline constexpr metrics::Family kClosed =
    counter("scoreline_sse_closed_total",
            "Connections closed, by reason (backlog, write_timeout, handshake_timeout and "
            "io_error are clients dropped by the server).",
            {"reason"});
inline constexpr metrics::Family kDisconnects =
    counter("scoreline_sse_disconnects_total",
            "Streams and handshakes that ended, by cause: the client went away (client), the "
            "server dropped it (server_*), or the process stopped (shutdown).",
            {"cause"});
inline constexpr metrics::Family kMessagesSent =
    counter("scoreline_sse_messages_sent_total", "Messages written to clients (one per client).");
inline constexpr metrics::Family kBytesSent =
    counter("scoreline_sse_bytes_sent_total", "Bytes written to clients.");
inline constexpr metrics::Family kHeartbeats =
    counter("scoreline_sse_heartbeats_total", "Heartbeat rounds.");
inline constexpr metrics::Family kReplays =
    counter("scoreline_sse_replays_total", "Last-Event-ID replays served.");
inline constexpr metrics::Family kReplayedMessages =
    counter("scoreline_sse_replayed_messages_total", "Messages queued by replays.");
inline constexpr metrics::Family kResets =
    counter("scoreline_sse_resets_total",
            "Reconnects older than the replay window, answered with event: reset.");
inline constexpr metrics::Family kOutboxRows =
    counter("scoreline_sse_outbox_rows_total", "Outbox rows read and fanned out.");
inline constexpr metrics::Family kDeliveryLatency =
    histogram("scoreline_sse_delivery_latency_seconds",
              "From the outbox row's created_at to its last byte on a client socket.", {});

// The families above in the order /metrics shows them.
inline constexpr std::array<const metrics::Family*, 13> kCatalog = {
    &kAccepted,     &kStreamsOpened, &kRejected,       &kClosed,  &kDisconnects,
    &kMessagesSent, &kBytesSent,     &kHeartbeats,     &kReplays, &kReplayedMessages,
    &kResets,       &kOutboxRows,    &kDeliveryLatency};

// Every `cause` of scoreline_sse_disconnects_total.
inline constexpr std::array<std::string_view, 6> kDisconnectCauses = {
    "client",          "server_backlog", "server_write_timeout", "server_handshake_timeout",
    "server_io_error", "shutdown"};

}  // namespace obs

// The `cause` of scoreline_sse_disconnects_total for a close reason; empty
// for an ending that is no disconnect (an error answer, a refused stream).
[[nodiscard]] std::string_view disconnect_cause(CloseReason reason) noexcept;

// Creates every disconnect cause's series at 0, so that a rate over them
// exists before the first disconnect. Called once at start.
void touch_metrics();

// Counts one ended connection: scoreline_sse_closed_total{reason} and, when
// it is one, scoreline_sse_disconnects_total{cause}.
void count_close(CloseReason reason);

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

// The whole Prometheus text of /metrics: the store, `g`, build and process.
[[nodiscard]] std::string render_metrics(const Gauges& g);

}  // namespace sse
