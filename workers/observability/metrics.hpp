// The metrics of scoreline-api: every family is declared here, once, and
// counted where it happens with one metrics::inc / observe / set call. The
// values live in the master's shared-memory store (metrics/store.hpp), so
// /metrics shows the totals of every worker since start, exited ones
// included. docs/observability.md describes each one.
#pragma once

#include <array>

#include "metrics/family.hpp"

namespace api::obs {

using metrics::counter;
using metrics::gauge;
using metrics::histogram;

// --- HTTP -----------------------------------------------------------------
inline constexpr metrics::Family kHttpRequests = counter(
    "scoreline_http_requests_total", "Requests answered, by method, route pattern and status.",
    {"method", "route", "status"});
inline constexpr metrics::Family kHttpDuration = histogram(
    "scoreline_http_request_duration_seconds",
    "Time in the worker from the parsed request head to the built response.", {"method", "route"});

// --- The pool (php-fpm's status page) --------------------------------------
inline constexpr metrics::Family kPoolAccepted = counter(
    "scoreline_pool_accepted_connections_total", "FastCGI connections accepted by the workers.");
inline constexpr metrics::Family kPoolMaxChildrenReached =
    counter("scoreline_pool_max_children_reached_total",
            "Times a request started while every worker was busy.");
inline constexpr metrics::Family kPoolSlowRequests =
    counter("scoreline_pool_slow_requests_total",
            "Requests that took longer than SCORELINE_SLOW_REQUEST_MS.");
inline constexpr metrics::Family kPoolWorkerExits = counter(
    "scoreline_pool_worker_exits_total",
    "Worker processes that ended, by cause (crash, max_requests, reload, shutdown).", {"cause"});

// --- Database ----------------------------------------------------------------
inline constexpr metrics::Family kDbQueryDuration =
    histogram("scoreline_db_query_duration_seconds",
              "Round trip of each named statement, errors included.", {"statement"});
inline constexpr metrics::Family kDbErrors =
    counter("scoreline_db_errors_total", "Statements that failed, by SQLSTATE class.", {"class"});
inline constexpr metrics::Family kDbReconnects =
    counter("scoreline_db_reconnects_total", "Database connections re-opened by a worker.");
inline constexpr metrics::Family kDbTxRetries =
    counter("scoreline_db_transaction_retries_total",
            "Transactions run again after a serialization failure or a deadlock.");

// --- Business ----------------------------------------------------------------
inline constexpr metrics::Family kScoresRecorded =
    counter("scoreline_scores_recorded_total",
            "Score updates committed by scorekeepers (corrections count apart).");
inline constexpr metrics::Family kGamesFinished =
    counter("scoreline_games_finished_total", "Games that moved to status final.");
inline constexpr metrics::Family kScoreCorrections =
    counter("scoreline_score_corrections_total", "Admin corrections of a final score.");
inline constexpr metrics::Family kIntegrityAlerts =
    counter("scoreline_integrity_alerts_total",
            "Integrity alerts created or reopened by committed score writes, by kind.", {"kind"});
inline constexpr metrics::Family kLogins =
    counter("scoreline_logins_total", "Login attempts by result (success, failure, throttled).",
            {"result"});
inline constexpr metrics::Family kRegistrations =
    counter("scoreline_registrations_total", "Accounts created by registration.");
inline constexpr metrics::Family kOutboxRows =
    counter("scoreline_outbox_rows_written_total",
            "Outbox rows inserted (counted at insert: a rolled-back row counts too).");
inline constexpr metrics::Family kStandingsRecomputes =
    counter("scoreline_standings_recomputes_total", "Standings tables recomputed.");

// The families above in the order /metrics shows them. Gauges computed at
// scrape time (pool state, events by status, build and process facts) are
// written by the /metrics handler itself.
inline constexpr std::array<const metrics::Family*, 18> kCatalog = {
    &kHttpRequests,     &kHttpDuration,       &kPoolAccepted,    &kPoolMaxChildrenReached,
    &kPoolSlowRequests, &kPoolWorkerExits,    &kDbQueryDuration, &kDbErrors,
    &kDbReconnects,     &kDbTxRetries,        &kScoresRecorded,  &kGamesFinished,
    &kScoreCorrections, &kIntegrityAlerts,    &kLogins,          &kRegistrations,
    &kOutboxRows,       &kStandingsRecomputes};

}  // namespace api::obs
