// Last-Event-ID replay from the outbox; see replay.hpp.
#include "replay.hpp"

namespace sse {
namespace {

// A text[] literal for topics (they are event:N or admin: no quoting needed,
// but quote anyway so the literal never depends on that).
std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i ? ",\"" : "\"";
        for (char c : items[i]) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

// One row per replayed message, or a single row of NULLs when there are none;
// too_old on every row: the first row after the client's id (any topic) is
// older than the window, so rows of the gap may have been purged.
constexpr db::Statement kReplay{
    "sse_replay",
    "SELECT w.too_old, r.id, r.topic, r.kind, r.payload::text, "
    "extract(epoch FROM r.created_at)::float8 "
    "FROM (SELECT coalesce((SELECT created_at < now() - make_interval(secs => $4::int) "
    "FROM outbox WHERE id > $2::bigint ORDER BY id LIMIT 1), false) AS too_old) AS w "
    "LEFT JOIN LATERAL (SELECT * FROM outbox WHERE NOT w.too_old AND topic = ANY($1::text[]) "
    "AND id > $2::bigint AND id <= $3::bigint ORDER BY id LIMIT $5::int) AS r ON true "
    "ORDER BY r.id"};

}  // namespace

void Replayer::replay(const std::vector<std::string>& topics, std::int64_t after_id,
                      std::int64_t up_to_id, std::function<void(ReplayResult)> done) {
    const int max_rows = settings_.max_rows;
    db_.query(
        kReplay,
        {text_array(topics), std::to_string(after_id), std::to_string(up_to_id),
         std::to_string(settings_.window.count()), std::to_string(max_rows + 1)},
        [max_rows, done = std::move(done)](QueryOutcome outcome, db::Result r, const std::string&) {
            ReplayResult out;
            if (outcome != QueryOutcome::kOk || r.rows() < 1) {
                out.status = ReplayResult::Status::kUnavailable;
                done(std::move(out));
                return;
            }
            if (r.get<bool>(0, 0)) {
                out.status = ReplayResult::Status::kReset;
                out.reset_reason = "window";
                done(std::move(out));
                return;
            }
            for (int i = 0; i < r.rows(); ++i) {
                if (r.is_null(i, 1)) {
                    continue;
                }
                out.rows.push_back(OutboxRow{r.get<std::int64_t>(i, 1),
                                             r.get<std::string>(i, 2),
                                             r.get<std::string>(i, 3),
                                             r.get<std::string>(i, 4),
                                             r.get<double>(i, 5),
                                             {}});  // no trace_id: the fan-out logs it, not replay
            }
            if (static_cast<int>(out.rows.size()) > max_rows) {
                out.rows.clear();
                out.status = ReplayResult::Status::kReset;
                out.reset_reason = "too_many_rows";
            }
            done(std::move(out));
        });
}

}  // namespace sse
