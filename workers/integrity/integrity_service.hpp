// Integrity checks of a score write (issue 15, docs/integrity.md "Where
// detection runs"): called by the score service inside the write's own
// transaction, after the game, its history and the standings are written. It
// reads the facts the detectors need (the event's other finals, the sport's
// margins, the recent corrections of the game and the writer's recent
// writes), runs domain::integrity::detect, and stores each finding: a new
// alert (alert.created), or the alert of the same kind and subject updated
// with the new evidence and, if it was resolved, reopened (alert.updated). Alerts, their history,
// the audit rows and the admin-topic outbox rows commit or roll back with the
// score: a write that fails leaves no alert.
#pragma once

#include <vector>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "domain/integrity.hpp"
#include "event/event_repository.hpp"
#include "game/game_repository.hpp"

namespace tournament::integrity {

// The kinds of the alerts created or reopened by this write.
[[nodiscard]] std::vector<domain::integrity::Kind> check_write(db::Tx& tx, const Caller& caller,
                                                               const EventAccess& access,
                                                               domain::integrity::WriteKind kind,
                                                               const GameRow& before,
                                                               const GameRow& after);

}  // namespace tournament::integrity
