// Integrity detectors (issue 15, docs/integrity.md): what is suspicious about
// one score write, decided from facts the score service reads in the write's
// own transaction. Pure: no clock, no I/O; the caller passes the time, the
// other results and the counts of recent writes, so a replay of a whole
// season (tests/unit/integrity_replay_test.cpp) runs the same code as a
// request.
//
// The alert's life (AlertStatus, may_move, on_recurrence) is here as well:
// the rules a PATCH and a recurring cause follow, testable without a database.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/tournament.hpp"

namespace domain::integrity {

enum class Kind {
    kMarginOutlier,        // goal margin far outside the event's and the sport's margins (robust z)
    kImplausibleScore,     // a side's score or the total beyond the sport's limits
    kUnexpectedResult,     // a clear underdog by the event's Elo ratings wins by a wide margin
    kFinalCorrected,       // a final score was corrected
    kRepeatedCorrections,  // N corrections of one game within T
    kEditBurst,            // one user's many score writes across several events within T
    kChangeAfterCompletion,  // a score written while the event is completed
    kScoreBeforeStart,       // a score reported before the game's start (less a grace)
    kLateScore,              // a game first reported final long after its start
};
inline constexpr std::array kAllKinds{
    Kind::kMarginOutlier,         Kind::kImplausibleScore,    Kind::kUnexpectedResult,
    Kind::kFinalCorrected,        Kind::kRepeatedCorrections, Kind::kEditBurst,
    Kind::kChangeAfterCompletion, Kind::kScoreBeforeStart,    Kind::kLateScore,
};
// snake_case spellings, as stored and in the API: margin_outlier, …
[[nodiscard]] std::string_view to_string(Kind kind);
[[nodiscard]] std::optional<Kind> parse_kind(std::string_view text);

enum class Severity { kInfo, kWarning, kCritical };
[[nodiscard]] std::string_view to_string(Severity severity);
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view text);

// What one alert is about: the game, except for an edit burst (the user).
enum class Subject { kGame, kUser };
[[nodiscard]] Subject subject_of(Kind kind);

// open → acknowledged → resolved | dismissed.
enum class AlertStatus { kOpen, kAcknowledged, kResolved, kDismissed };
[[nodiscard]] std::string_view to_string(AlertStatus status);
[[nodiscard]] std::optional<AlertStatus> parse_alert_status(std::string_view text);
// Whether an admin may move an alert from `from` to `to` (PATCH; false = 409).
[[nodiscard]] bool may_move(AlertStatus from, AlertStatus to);
// The status of a stored alert whose cause recurred: a resolved alert opens
// again; the others keep theirs (a dismissed one was judged harmless).
[[nodiscard]] AlertStatus on_recurrence(AlertStatus current);

// Per-sport score limits (implausible_score); the sport is matched without
// regard to ASCII case. A sport without limits gets no such alert.
struct SportLimit {
    std::string sport;
    int max_side = 0;   // one side's score above this fires
    int max_total = 0;  // both sides' sum above this fires
};

// Every threshold, with the defaults docs/integrity.md explains; scoreline-api
// reads them from SCORELINE_INTEGRITY_* (docs/configuration.md).
struct Thresholds {
    // margin_outlier: |margin − median| × 0.6745 / MAD above margin_z against
    // every reference (the event's, the sport's) that has margin_min_sample
    // results, and at least one must have them.
    double margin_z = 3.5;
    int margin_min_sample = 30;
    // implausible_score
    std::vector<SportLimit> limits{{"football", 10, 12}};
    // unexpected_result: Elo within the event (start 1500, K, home advantage;
    // K weighted by the goal difference as World Football Elo does: ×1 up to
    // one goal, ×1.5 for two, ×(11 + N)/8 for N ≥ 3);
    // fires when the winner's expected score was at most elo_max_expected,
    // the margin at least elo_min_margin, and both teams have played
    // elo_min_games finals of the event before this one. K 40 and 0.30 (not
    // 20 and 0.25): one season is too short for a slower rating to tell the
    // weakest side from the strongest (docs/integrity.md).
    double elo_k = 40.0;
    double elo_home_advantage = 60.0;
    double elo_max_expected = 0.30;
    int elo_min_margin = 3;
    int elo_min_games = 5;
    // repeated_corrections: this many corrections of one game within the window.
    int corrections_max = 3;
    std::int64_t corrections_window_s = 24 * 3600;
    // edit_burst: the user's last burst_writes score writes all within the
    // window, across at least burst_events events (the service reads at most
    // 64 of them, so the check costs the same whatever the rate: burst_writes
    // is at most 64).
    int burst_writes = 30;
    int burst_events = 3;
    std::int64_t burst_window_s = 600;
    // score_before_start: a write more than early_grace_s before the start.
    std::int64_t early_grace_s = 15 * 60;
    // late_score: a game's first final more than late_after_s after its start.
    std::int64_t late_after_s = 48 * 3600;
    // The demo loader replays past seasons at load time: it turns these off.
    bool timing_checks = true;  // score_before_start, late_score
    bool burst_check = true;    // edit_burst
};

enum class WriteKind { kScore, kCorrection };

// A final game of the event other than the one written.
struct FinalResult {
    std::int64_t game_id = 0;
    std::int64_t home_team = 0;
    std::int64_t away_team = 0;
    int home = 0;
    int away = 0;
    std::int64_t starts_at_s = 0;  // seconds since the epoch
};

// How many final games of a sport ended with this absolute goal margin.
struct MarginCount {
    int margin = 0;
    std::int64_t count = 0;
};

// Everything the detectors look at for one write, read in its transaction.
struct WriteFacts {
    WriteKind kind = WriteKind::kScore;
    std::string sport;
    std::int64_t game_id = 0;
    std::int64_t home_team = 0;
    std::int64_t away_team = 0;
    GameStatus from = GameStatus::kScheduled;  // the game's status before the write
    GameStatus to = GameStatus::kScheduled;    // and after
    int home = 0;                              // the score written
    int away = 0;
    bool event_completed = false;  // the event's status when written
    std::int64_t now_s = 0;        // when written, seconds since the epoch
    std::int64_t starts_at_s = 0;  // the game's start
    // The event's other final games, in the order played (starts_at, id).
    std::vector<FinalResult> event_finals;
    // The sport's latest final games (at most 5,000) in every event, this
    // game excluded.
    std::vector<MarginCount> sport_margins;
    // Corrections of this game within corrections_window_s, this one included.
    int corrections_in_window = 0;
    // Of the writer's last burst_writes score writes (updates and
    // corrections, this one included), those within burst_window_s, and the
    // events they touched.
    int user_writes_in_window = 0;
    int user_events_in_window = 0;
};

// One number (or word) of an alert's evidence: what made it fire, and the
// thresholds it was held against.
struct EvidenceItem {
    std::string name;
    std::variant<std::int64_t, double, std::string> value;
};

struct Finding {
    Kind kind = Kind::kMarginOutlier;
    Severity severity = Severity::kWarning;
    std::vector<EvidenceItem> evidence;
};

// Every finding of one write, at most one per kind, in the order of Kind.
[[nodiscard]] std::vector<Finding> detect(const WriteFacts& facts, const Thresholds& thresholds);

// --- the statistics behind the detectors, exposed for their tests ---

struct RobustCentre {
    double median = 0;
    double mad = 0;  // median absolute deviation
    std::int64_t sample = 0;
};
// Median and MAD of absolute margins given as a histogram (exact).
[[nodiscard]] RobustCentre robust_centre(const std::vector<MarginCount>& margins);
// 0.6745 × (x − median) / MAD; when the MAD is 0 it is taken as 1 (margins are
// whole numbers, so 1 is the smallest spread that means anything).
[[nodiscard]] double robust_z(const RobustCentre& centre, int margin);

struct Rating {
    std::int64_t team = 0;
    double elo = 1500.0;
    int games = 0;
};
// Elo ratings after the given finals, played in order; only teams that played,
// ordered by team id.
[[nodiscard]] std::vector<Rating> elo_ratings(const std::vector<FinalResult>& finals,
                                              const Thresholds& thresholds);
// The home side's expected score (win 1, draw 0.5) at these ratings.
[[nodiscard]] double expected_home(double home_elo, double away_elo, const Thresholds& thresholds);

}  // namespace domain::integrity
