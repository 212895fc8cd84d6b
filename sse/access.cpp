// Access to streams: tickets and event visibility; see access.hpp.
#include "access.hpp"

#include "authz/event_read.hpp"
#include "stream/ticket.hpp"
#include "stream/topic.hpp"

namespace sse {
namespace {

constexpr std::size_t kMaxCacheEntries = 100000;

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

AccessDecision verdict(AccessDecision::Verdict v, std::string detail, std::string reason) {
    return AccessDecision{v, std::move(detail), std::move(reason), std::nullopt, {}};
}

// The status of each event asked for that exists; authz::event_visibility
// reads it.
constexpr db::Statement kEventStatus{"sse_event_status",
                                     "SELECT id, status FROM events WHERE id = ANY($1::bigint[])"};

}  // namespace

AccessGate::AccessGate(AsyncConnection& db, AccessSettings settings)
    : db_(db), settings_(std::move(settings)) {}

void AccessGate::check(const StreamRequest& request, std::function<void(AccessDecision)> done) {
    using V = AccessDecision::Verdict;
    std::optional<stream::Ticket> ticket;
    if (request.ticket) {
        auto v = stream::verify_ticket(*request.ticket, settings_.keys, settings_.issuer,
                                       settings_.leeway, unix_now());
        if (!v.ticket) {
            done(verdict(V::kForbidden,
                         "the stream ticket is invalid or expired; ask for a new one",
                         "ticket_" + v.error));
            return;
        }
        ticket = std::move(v.ticket);
    }
    std::vector<std::int64_t> events;
    for (const auto& topic : request.topics) {
        if (ticket && stream::covers(*ticket, topic)) {
            continue;
        }
        if (topic == stream::kAdminTopic) {
            done(verdict(V::kForbidden,
                         "the admin stream needs a stream ticket (POST /api/v1/stream-tickets)",
                         ticket ? "ticket_topics" : "no_ticket"));
            return;
        }
        if (auto id = stream::event_topic_id(topic)) {
            events.push_back(*id);
        }
    }
    lookup(std::move(events), ticket ? std::optional(ticket->user_id) : std::nullopt, true,
           std::move(done));
}

void AccessGate::confirm(const std::vector<std::int64_t>& events,
                         std::function<void(AccessDecision)> done) {
    lookup(events, std::nullopt, false, std::move(done));
}

void AccessGate::lookup(std::vector<std::int64_t> events, std::optional<std::int64_t> user_id,
                        bool provisional, std::function<void(AccessDecision)> done) {
    using V = AccessDecision::Verdict;
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::int64_t> stale;
    for (auto id : events) {
        auto it = cache_.find(id);
        if (it == cache_.end() || it->second.expires <= now) {
            stale.push_back(id);
        }
    }
    if (stale.empty()) {
        done(decide(events, user_id));
        return;
    }
    std::string array = "{";
    for (std::size_t i = 0; i < stale.size(); ++i) {
        array += (i ? "," : "") + std::to_string(stale[i]);
    }
    array += "}";
    db_.query(kEventStatus, {array},
              [this, events = std::move(events), stale, user_id, provisional,
               done = std::move(done)](QueryOutcome outcome, db::Result r, const std::string&) {
                  if (outcome == QueryOutcome::kOk) {
                      remember(stale, r);
                      done(decide(events, user_id));
                      return;
                  }
                  // The database is away: decide from the last known statuses.
                  std::vector<std::int64_t> known;
                  std::vector<std::int64_t> unknown;
                  for (auto id : events) {
                      (cache_.contains(id) ? known : unknown).push_back(id);
                  }
                  AccessDecision d = decide(known, user_id);
                  if (d.verdict == V::kAllow && !unknown.empty()) {
                      // Unverified admission only when the connection is gone;
                      // a failed statement on a live one is retried by the client.
                      if (!provisional || outcome != QueryOutcome::kLost) {
                          d = verdict(V::kUnavailable,
                                      "the stream service cannot check this event right now; retry",
                                      "db_unavailable");
                      } else {
                          d.unverified = std::move(unknown);
                      }
                  }
                  done(std::move(d));
              });
}

void AccessGate::remember(const std::vector<std::int64_t>& asked, const db::Result& r) {
    const auto now = std::chrono::steady_clock::now();
    if (cache_.size() > kMaxCacheEntries) {
        // Forget the entries past their time first: they are only a fallback.
        std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires <= now; });
        if (cache_.size() > kMaxCacheEntries) {
            cache_.clear();
        }
    }
    const auto expires = now + settings_.cache_ttl;
    for (auto id : asked) {
        cache_[id] = CacheEntry{std::nullopt, expires};
    }
    for (int i = 0; i < r.rows(); ++i) {
        cache_[r.get<std::int64_t>(i, 0)] =
            CacheEntry{authz::event_visibility(r.text(i, 1)), expires};
    }
}

AccessDecision AccessGate::decide(const std::vector<std::int64_t>& events,
                                  std::optional<std::int64_t> user_id) const {
    using V = AccessDecision::Verdict;
    for (auto id : events) {
        auto it = cache_.find(id);
        if (it == cache_.end() || !it->second.visibility) {
            return verdict(V::kNotFound, "no event " + std::to_string(id), "no_event");
        }
        // A topic without a ticket is read by anyone (a ticket that covers it
        // skipped this check: scoreline-api issued it after the same rule).
        // A refusal answers exactly as a missing event does, as on REST, so a
        // stream never tells that a draft exists; only the log and /metrics
        // keep them apart.
        if (!authz::may_read_event(*it->second.visibility, authz::EventReader::kAnyone)) {
            return verdict(V::kNotFound, "no event " + std::to_string(id), "draft_event");
        }
    }
    AccessDecision ok = verdict(V::kAllow, "", "");
    ok.user_id = user_id;
    return ok;
}

}  // namespace sse
