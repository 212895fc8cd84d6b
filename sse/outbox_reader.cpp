// Probing and fetching the outbox; see outbox_reader.hpp and outbox_cursor.hpp.
#include "outbox_reader.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "log.hpp"

namespace sse {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

// The snapshot is the statement's, taken before the function takes its fence.
constexpr db::Statement kProbe{
    "sse_outbox_probe",
    "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, f.last_id, f.fence_xid::text "
    "FROM scoreline_outbox_fence($1::bigint) AS f"};
constexpr db::Statement kFetch{
    "sse_outbox_fetch",
    "SELECT id, topic, kind, payload::text, extract(epoch FROM created_at)::float8, "
    "coalesce(trace_id, '') "
    "FROM outbox WHERE id > $1::bigint AND id <= $2::bigint ORDER BY id LIMIT $3::int"};

}  // namespace

OutboxReader::OutboxReader(Loop& loop, AsyncConnection& db, OutboxReaderOptions options,
                           Deliver deliver, std::function<void()> on_positioned)
    : loop_(loop),
      db_(db),
      options_(options),
      deliver_(std::move(deliver)),
      on_positioned_(std::move(on_positioned)) {}

OutboxReader::~OutboxReader() {
    loop_.cancel_timer(poll_timer_);
    loop_.cancel_timer(retry_timer_);
    loop_.cancel_timer(gap_timer_);
}

void OutboxReader::start() {
    poll_timer_ = loop_.add_timer(options_.poll_interval, [this] { on_poll_timer(); });
}

void OutboxReader::on_poll_timer() {
    poll_timer_ = loop_.add_timer(options_.poll_interval, [this] { on_poll_timer(); });
    probe_wanted_ = true;
    kick();
}

void OutboxReader::on_ready() {
    cursor_.forget_fences();
    in_flight_ = false;
    probe_wanted_ = true;
    retry_delay_ = std::chrono::milliseconds(1);
    kick();
}

void OutboxReader::on_notify() {
    probe_wanted_ = true;
    kick();
}

void OutboxReader::on_lost() {
    in_flight_ = false;
    loop_.cancel_timer(retry_timer_);
    retry_timer_ = 0;
}

void OutboxReader::kick() {
    if (in_flight_ || !db_.ready()) {
        return;
    }
    if (cursor_.behind()) {
        fetch();
    } else if (probe_wanted_) {
        const auto due = last_probe_ + options_.probe_gap;
        const auto now = loop_.now();
        if (now >= due) {
            probe();
        } else if (gap_timer_ == 0) {
            // Rounded up: the timer must not fire before the gap has passed.
            gap_timer_ =
                loop_.add_timer(std::chrono::ceil<std::chrono::milliseconds>(due - now), [this] {
                    gap_timer_ = 0;
                    kick();
                });
        }
    }
}

void OutboxReader::schedule_retry() {
    if (retry_timer_ != 0) {
        return;
    }
    retry_timer_ = loop_.add_timer(retry_delay_, [this] {
        retry_timer_ = 0;
        probe_wanted_ = true;
        kick();
    });
    retry_delay_ = std::min(retry_delay_ * 2, options_.poll_interval);
}

void OutboxReader::probe() {
    const auto after = cursor_.fence_after();
    in_flight_ = true;
    probe_wanted_ = false;
    last_probe_ = loop_.now();
    ++probes_;
    // With too many fences outstanding, pass a bound the sequence cannot pass.
    const std::string arg =
        after ? std::to_string(*after) : std::to_string(std::numeric_limits<std::int64_t>::max());
    db_.query(kProbe, {arg}, [this](QueryOutcome outcome, db::Result r, const std::string& error) {
        if (outcome == QueryOutcome::kLost) {
            return;  // on_lost/on_ready take over
        }
        in_flight_ = false;
        if (outcome == QueryOutcome::kFailed || r.rows() != 1) {
            slog::error("outbox_probe_failed", {{"error", error}});
            schedule_retry();
            return;
        }
        const auto xmin = parse_u64(r.text(0, 0));
        std::optional<Fence> taken;
        if (!r.is_null(0, 2)) {
            const auto xid = parse_u64(r.text(0, 2));
            if (xid) {
                taken = Fence{r.get<std::int64_t>(0, 1), *xid};
            }
        }
        if (!xmin) {
            slog::error("outbox_probe_failed", {{"error", "unreadable snapshot xmin"}});
            schedule_retry();
            return;
        }
        const bool was_positioned = cursor_.positioned();
        const bool advanced = cursor_.on_probe(*xmin, taken);
        if (!was_positioned && cursor_.positioned()) {
            slog::info("outbox_positioned", {{"delivered_id", cursor_.delivered()}});
            if (on_positioned_) {
                on_positioned_();
            }
        }
        if (advanced || taken) {
            retry_delay_ = std::chrono::milliseconds(1);
        }
        if (cursor_.behind()) {
            kick();
        } else if (cursor_.waiting()) {
            schedule_retry();
        }
    });
}

void OutboxReader::fetch() {
    in_flight_ = true;
    const std::int64_t from = cursor_.delivered();
    const std::int64_t to = cursor_.final_id();
    db_.query(
        kFetch, {std::to_string(from), std::to_string(to), std::to_string(options_.batch_rows)},
        [this](QueryOutcome outcome, db::Result r, const std::string& error) {
            if (outcome == QueryOutcome::kLost) {
                return;
            }
            in_flight_ = false;
            if (outcome == QueryOutcome::kFailed) {
                slog::error("outbox_fetch_failed", {{"error", error}});
                schedule_retry();
                return;
            }
            std::vector<OutboxRow> rows;
            rows.reserve(static_cast<std::size_t>(r.rows()));
            for (int i = 0; i < r.rows(); ++i) {
                rows.push_back(OutboxRow{r.get<std::int64_t>(i, 0), r.get<std::string>(i, 1),
                                         r.get<std::string>(i, 2), r.get<std::string>(i, 3),
                                         r.get<double>(i, 4), r.get<std::string>(i, 5)});
            }
            rows_read_ += rows.size();
            const bool exhausted = r.rows() < options_.batch_rows;
            cursor_.on_fetched(rows.empty() ? cursor_.delivered() : rows.back().id, exhausted);
            if (!rows.empty()) {
                deliver_(rows);
            }
            if (cursor_.waiting()) {
                probe_wanted_ = true;
            }
            kick();
        });
}

}  // namespace sse
