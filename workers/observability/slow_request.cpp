// The slow-request log line; see slow_request.hpp.
#include "observability/slow_request.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "log.hpp"
#include "metrics/store.hpp"
#include "observability/metrics.hpp"

namespace api::obs {
namespace {

// Milliseconds to the microsecond.
double ms(std::chrono::nanoseconds d) {
    return std::round(static_cast<double>(d.count()) / 1e3) / 1e3;
}

}  // namespace

void report_slow_request(const SlowRequest& request, const DbObserver& db) {
    metrics::inc(kPoolSlowRequests);
    nlohmann::json statements = nlohmann::json::array();
    std::chrono::nanoseconds db_total = db.unlisted_elapsed();
    for (const StatementTime& s : db.statements()) {
        statements.push_back({{"name", s.name}, {"ms", ms(s.elapsed)}});
        db_total += s.elapsed;
    }
    nlohmann::json fields = {{"request_id", request.request_id},
                             {"method", request.method},
                             {"route", request.route},
                             {"status", request.status},
                             {"duration_ms", static_cast<double>(request.micros) / 1000.0},
                             {"db_ms", ms(db_total)},
                             {"statements", std::move(statements)}};
    if (!request.trace_id.empty()) {
        fields["trace_id"] = request.trace_id;
    }
    if (db.unlisted() > 0) {
        fields["statements_unlisted"] = db.unlisted();
        fields["statements_unlisted_ms"] = ms(db.unlisted_elapsed());
    }
    slog::warn("slow_request", fields);
}

}  // namespace api::obs
