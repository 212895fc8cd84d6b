// scoreline-sse's metrics and their Prometheus text; see metrics.hpp.
#include "metrics.hpp"

#include <unistd.h>

#include "metrics/process.hpp"
#include "metrics/store.hpp"
#include "metrics/text.hpp"
#include "version.hpp"

namespace sse {
namespace {

void gauge(metrics::TextWriter& w, std::string_view name, std::string_view help,
           std::int64_t value) {
    w.family(name, metrics::Type::kGauge, help);
    w.sample(name, {}, value);
}

void counter(metrics::TextWriter& w, std::string_view name, std::string_view help,
             std::uint64_t value) {
    w.family(name, metrics::Type::kCounter, help);
    w.sample(name, {}, value);
}

}  // namespace

std::string_view disconnect_cause(CloseReason reason) noexcept {
    switch (reason) {
        case CloseReason::kPeerClosed:
            return "client";
        case CloseReason::kBacklog:
            return "server_backlog";
        case CloseReason::kWriteTimeout:
            return "server_write_timeout";
        case CloseReason::kHandshakeTimeout:
            return "server_handshake_timeout";
        case CloseReason::kIoError:
            return "server_io_error";
        case CloseReason::kShutdown:
            return "shutdown";
        case CloseReason::kNone:
        case CloseReason::kAnswered:
        case CloseReason::kRefused:
            return {};
    }
    return {};
}

void touch_metrics() {
    for (std::string_view cause : obs::kDisconnectCauses) {
        metrics::touch(obs::kDisconnects, {cause});
    }
}

void count_close(CloseReason reason) {
    metrics::inc(obs::kClosed, {to_string(reason)});
    if (const std::string_view cause = disconnect_cause(reason); !cause.empty()) {
        metrics::inc(obs::kDisconnects, {cause});
    }
}

std::string render_metrics(const Gauges& g) {
    std::string out;
    metrics::TextWriter w(out);
    constexpr std::string_view kConnections = "scoreline_sse_connections";
    w.family(kConnections, metrics::Type::kGauge, "Open connections by state.");
    w.sample(kConnections, metrics::label("state", "handshaking"),
             static_cast<std::uint64_t>(g.handshaking));
    w.sample(kConnections, metrics::label("state", "streaming"),
             static_cast<std::uint64_t>(g.streaming));
    w.sample(kConnections, metrics::label("state", "draining"),
             static_cast<std::uint64_t>(g.draining));
    gauge(w, "scoreline_sse_max_connections",
          "Connections this process accepts before answering 503.",
          static_cast<std::int64_t>(g.max_connections));
    gauge(w, "scoreline_sse_topics", "Topics with at least one subscriber.",
          static_cast<std::int64_t>(g.topics));
    metrics::render(w, metrics::store(), obs::kCatalog);
    counter(w, "scoreline_sse_outbox_probes_total",
            "Outbox probes (fence queries) sent to PostgreSQL; at most one per "
            "SCORELINE_SSE_PROBE_GAP_MS.",
            g.outbox_probes);
    gauge(w, "scoreline_sse_outbox_delivered_id",
          "Every outbox row up to this id has been fanned out.", g.delivered_id);
    gauge(w, "scoreline_sse_outbox_final_id",
          "Every outbox row up to this id is committed or will never be.", g.final_id);
    gauge(w, "scoreline_sse_db_connected", "1 while the LISTEN connection to PostgreSQL is up.",
          g.db_connected ? 1 : 0);
    counter(w, "scoreline_sse_db_reconnects_total",
            "Times the database connection was re-established.", g.db_reconnects);
    w.family("scoreline_build_info", metrics::Type::kGauge,
             "Build of scoreline-sse: version and commit.");
    w.sample("scoreline_build_info",
             metrics::label("version", kVersion) + "," + metrics::label("commit", kCommit),
             std::int64_t{1});
    if (const auto self = metrics::sample_process(::getpid())) {
        metrics::render_process(w, *self, metrics::max_open_fds(), "this scoreline-sse process");
    }
    w.finish();
    return out;
}

}  // namespace sse
