// sse::AccessGate: may this stream open? The admin topic needs a stream
// ticket that covers it. An event topic is read under the rule a REST read
// of the event follows (authz::may_read_event, shared/authz/event_read.hpp:
// a draft answers 404 like a missing event). The status comes from one query
// on scoreline-sse's connection and is cached for a short while
// (SCORELINE_SSE_ACCESS_CACHE_MS), so a burst of reconnects costs one query
// per event; a ticket that covers the topic skips the lookup (scoreline-api
// checked membership when it issued it). Tickets are verified here with the
// public keys only, without the database. A status stays known past its
// cache time: while the database is away, an event is admitted from the last
// status seen, and an event never seen is admitted unverified (the stream
// waits, sends no message, until confirm() says yes; on no it closes, and the
// reconnect gets the 404). Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "async_connection.hpp"
#include "auth/keys.hpp"
#include "authz/event_read.hpp"
#include "loop.hpp"
#include "stream_request.hpp"

namespace sse {

struct AccessSettings {
    auth::KeyRing keys;  // verification keys of stream tickets; may be empty
    std::string issuer = "scoreline";
    std::chrono::seconds leeway{30};
    std::chrono::milliseconds cache_ttl{5000};
};

struct AccessDecision {
    enum class Verdict { kAllow, kForbidden, kNotFound, kUnavailable } verdict = Verdict::kAllow;
    std::string detail;                   // for the client
    std::string log_reason;               // for the log: never the ticket itself
    std::optional<std::int64_t> user_id;  // from a valid ticket
    // kAllow while the database is away: events whose status was never
    // seen; the stream must not get their rows before confirm() allows them.
    std::vector<std::int64_t> unverified;
};

class AccessGate {
  public:
    AccessGate(AsyncConnection& db, AccessSettings settings);

    // Decides for `request`; `done` runs exactly once, at once when nothing
    // needs the database, else when the lookup ends (or fails: kUnavailable).
    void check(const StreamRequest& request, std::function<void(AccessDecision)> done);
    // Looks up the status of `events` admitted unverified; `done` runs once
    // with kAllow, kNotFound, or kUnavailable while the database is away.
    void confirm(const std::vector<std::int64_t>& events, std::function<void(AccessDecision)> done);

  private:
    struct CacheEntry {
        std::optional<authz::EventVisibility> visibility;  // nullopt: no such event
        std::chrono::steady_clock::time_point expires;     // fresh until; last known after
    };
    // Decides for `events` from the cache, querying the ones not fresh in it.
    // When the query fails, stale entries decide, and events never seen are
    // admitted unverified if `provisional` and the connection is down, else
    // the answer is kUnavailable.
    void lookup(std::vector<std::int64_t> events, std::optional<std::int64_t> user_id,
                bool provisional, std::function<void(AccessDecision)> done);
    void remember(const std::vector<std::int64_t>& asked, const db::Result& r);
    [[nodiscard]] AccessDecision decide(const std::vector<std::int64_t>& events,
                                        std::optional<std::int64_t> user_id) const;

    AsyncConnection& db_;
    AccessSettings settings_;
    std::unordered_map<std::int64_t, CacheEntry> cache_;
};

}  // namespace sse
