// SQL of standings and standings_versions: the stored table of an event and
// its version (the ETag of GET /events/{id}/standings). Named statements run
// inside the caller's transaction.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "db/connection.hpp"
#include "domain/standings.hpp"

namespace tournament::standings_repo {

// Bumps the event's standings version and returns it. Takes the row lock
// that serializes every recomputation of one event's table: a transaction
// that reads the final games after this sees every earlier recomputation's
// games committed.
[[nodiscard]] std::int64_t bump_version(db::Tx& tx, std::int64_t event_id);

// The current version; 0 before the first computation.
[[nodiscard]] std::int64_t version(db::Tx& tx, std::int64_t event_id);

// Writes the rows (one per team) of the event's table.
void store(db::Tx& tx, std::int64_t event_id, std::span<const domain::StandingsRow> rows);

// Removes the event's rows (an event whose format has no table).
void clear(db::Tx& tx, std::int64_t event_id);

// The stored table by rank.
[[nodiscard]] std::vector<domain::StandingsRow> rows(db::Tx& tx, std::int64_t event_id);

}  // namespace tournament::standings_repo
