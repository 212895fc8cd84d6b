// tournament::Caller: who asks for a tournament operation and from where —
// the authenticated actor (empty = anonymous), the request's origin for the
// audit log, and how often a transaction that hit a serialization failure or
// deadlock is run again, and the integrity thresholds a score write is
// checked against. Handlers build it with caller_of(ctx); the demo
// loader fills it by hand.
#pragma once

#include <optional>

#include "audit/audit_repository.hpp"
#include "authz.hpp"
#include "domain/integrity.hpp"

namespace tournament {

struct Caller {
    std::optional<authz::Actor> actor;
    audit::Origin origin;
    int attempts = 3;
    // The integrity thresholds of a score write (scoreline-api's config);
    // null: the defaults of domain::integrity::Thresholds.
    const domain::integrity::Thresholds* integrity = nullptr;

    [[nodiscard]] std::optional<std::int64_t> user_id() const {
        return actor ? std::optional<std::int64_t>(actor->user_id) : std::nullopt;
    }
};

}  // namespace tournament
