// Integrity detectors (see integrity.hpp, docs/integrity.md): pure functions of
// one write's facts. detect() runs inside every score write, so it stays
// linear in the event's finals (sorting the event's team ids aside) and
// allocates a handful of small vectors at most.
#include "domain/integrity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace domain::integrity {
namespace {

constexpr double kMadScale = 0.6745;  // makes the MAD of a normal sample its sigma

struct KindName {
    Kind kind;
    std::string_view name;
};
constexpr std::array<KindName, kAllKinds.size()> kKindNames{{
    {Kind::kMarginOutlier, "margin_outlier"},
    {Kind::kImplausibleScore, "implausible_score"},
    {Kind::kUnexpectedResult, "unexpected_result"},
    {Kind::kFinalCorrected, "final_corrected"},
    {Kind::kRepeatedCorrections, "repeated_corrections"},
    {Kind::kEditBurst, "edit_burst"},
    {Kind::kChangeAfterCompletion, "change_after_completion"},
    {Kind::kScoreBeforeStart, "score_before_start"},
    {Kind::kLateScore, "late_score"},
}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

// The value at 0-based rank `k` of a histogram sorted by value.
template <typename Entry, typename ValueOf>
double value_at(const std::vector<Entry>& sorted, std::int64_t k, ValueOf value_of) {
    std::int64_t seen = 0;
    for (const Entry& e : sorted) {
        seen += e.count;
        if (k < seen) {
            return value_of(e);
        }
    }
    return sorted.empty() ? 0.0 : value_of(sorted.back());
}

// Exact median of a histogram sorted by value with `total` entries.
template <typename Entry, typename ValueOf>
double weighted_median(const std::vector<Entry>& sorted, std::int64_t total, ValueOf value_of) {
    if (total <= 0) {
        return 0.0;
    }
    const double low = value_at(sorted, (total - 1) / 2, value_of);
    const double high = value_at(sorted, total / 2, value_of);
    return (low + high) / 2.0;
}

struct Deviation {
    double deviation = 0;
    std::int64_t count = 0;
};

std::int64_t abs_margin(int home, int away) {
    return std::llabs(static_cast<long long>(home) - away);
}

// World Football Elo's weight of a result by its goal difference: a rout
// tells more about the sides than a one-goal win.
double goal_weight(int goal_difference) {
    if (goal_difference <= 1) {
        return 1.0;
    }
    if (goal_difference == 2) {
        return 1.5;
    }
    return (11.0 + goal_difference) / 8.0;
}

Finding make(Kind kind, Severity severity, std::vector<EvidenceItem> evidence) {
    return Finding{kind, severity, std::move(evidence)};
}

// margin_outlier: the written margin against the event's finals and the
// sport's; every reference with enough results must call it extreme.
std::optional<Finding> margin_outlier(const WriteFacts& f, const Thresholds& t) {
    std::vector<MarginCount> event_margins;
    for (const FinalResult& r : f.event_finals) {
        const int m = static_cast<int>(abs_margin(r.home, r.away));
        while (event_margins.size() <= static_cast<std::size_t>(m)) {
            event_margins.push_back({static_cast<int>(event_margins.size()), 0});
        }
        ++event_margins[static_cast<std::size_t>(m)].count;
    }
    const RobustCentre event = robust_centre(event_margins);
    const RobustCentre sport = robust_centre(f.sport_margins);
    const int margin = static_cast<int>(abs_margin(f.home, f.away));
    const double z_event = std::abs(robust_z(event, margin));
    const double z_sport = std::abs(robust_z(sport, margin));
    const bool event_counts = event.sample >= t.margin_min_sample;
    const bool sport_counts = sport.sample >= t.margin_min_sample;
    if (!event_counts && !sport_counts) {
        return std::nullopt;
    }
    if ((event_counts && !(z_event > t.margin_z)) || (sport_counts && !(z_sport > t.margin_z))) {
        return std::nullopt;
    }
    return make(Kind::kMarginOutlier, Severity::kWarning,
                {{"margin", std::int64_t{margin}},
                 {"z_event", z_event},
                 {"z_sport", z_sport},
                 {"median_event", event.median},
                 {"mad_event", event.mad},
                 {"sample_event", event.sample},
                 {"median_sport", sport.median},
                 {"mad_sport", sport.mad},
                 {"sample_sport", sport.sample},
                 {"threshold_z", t.margin_z},
                 {"min_sample", std::int64_t{t.margin_min_sample}}});
}

std::optional<Finding> implausible_score(const WriteFacts& f, const Thresholds& t) {
    const auto limit = std::find_if(t.limits.begin(), t.limits.end(),
                                    [&](const SportLimit& l) { return iequals(l.sport, f.sport); });
    if (limit == t.limits.end()) {
        return std::nullopt;
    }
    const std::int64_t total = std::int64_t{f.home} + f.away;
    if (f.home <= limit->max_side && f.away <= limit->max_side && total <= limit->max_total) {
        return std::nullopt;
    }
    return make(Kind::kImplausibleScore, Severity::kCritical,
                {{"sport", f.sport},
                 {"home", std::int64_t{f.home}},
                 {"away", std::int64_t{f.away}},
                 {"total", total},
                 {"max_side", std::int64_t{limit->max_side}},
                 {"max_total", std::int64_t{limit->max_total}}});
}

std::optional<Finding> unexpected_result(const WriteFacts& f, const Thresholds& t) {
    if (f.home == f.away) {
        return std::nullopt;
    }
    const std::int64_t margin = abs_margin(f.home, f.away);
    if (margin < t.elo_min_margin) {
        return std::nullopt;
    }
    const std::vector<Rating> ratings = elo_ratings(f.event_finals, t);
    auto rating_of = [&](std::int64_t team) {
        const auto it =
            std::lower_bound(ratings.begin(), ratings.end(), team,
                             [](const Rating& r, std::int64_t id) { return r.team < id; });
        return it != ratings.end() && it->team == team ? *it : Rating{team, 1500.0, 0};
    };
    const Rating home = rating_of(f.home_team);
    const Rating away = rating_of(f.away_team);
    if (home.games < t.elo_min_games || away.games < t.elo_min_games) {
        return std::nullopt;
    }
    const double home_expected = expected_home(home.elo, away.elo, t);
    const double winner_expected = f.home > f.away ? home_expected : 1.0 - home_expected;
    if (winner_expected > t.elo_max_expected) {
        return std::nullopt;
    }
    return make(Kind::kUnexpectedResult, Severity::kWarning,
                {{"home_elo", home.elo},
                 {"away_elo", away.elo},
                 {"winner", std::string(f.home > f.away ? "home" : "away")},
                 {"winner_expected", winner_expected},
                 {"margin", margin},
                 {"home_games", std::int64_t{home.games}},
                 {"away_games", std::int64_t{away.games}},
                 {"max_expected", t.elo_max_expected},
                 {"min_margin", std::int64_t{t.elo_min_margin}},
                 {"min_games", std::int64_t{t.elo_min_games}},
                 {"elo_k", t.elo_k},
                 {"home_advantage", t.elo_home_advantage}});
}

Finding final_corrected(const WriteFacts& f) {
    return make(Kind::kFinalCorrected, Severity::kInfo,
                {{"home", std::int64_t{f.home}},
                 {"away", std::int64_t{f.away}},
                 {"corrections_in_window", std::int64_t{f.corrections_in_window}}});
}

std::optional<Finding> repeated_corrections(const WriteFacts& f, const Thresholds& t) {
    if (f.corrections_in_window < t.corrections_max) {
        return std::nullopt;
    }
    return make(Kind::kRepeatedCorrections, Severity::kCritical,
                {{"corrections_in_window", std::int64_t{f.corrections_in_window}},
                 {"corrections_max", std::int64_t{t.corrections_max}},
                 {"window_s", t.corrections_window_s}});
}

std::optional<Finding> edit_burst(const WriteFacts& f, const Thresholds& t) {
    if (f.user_writes_in_window < t.burst_writes || f.user_events_in_window < t.burst_events) {
        return std::nullopt;
    }
    return make(Kind::kEditBurst, Severity::kWarning,
                {{"writes_in_window", std::int64_t{f.user_writes_in_window}},
                 {"events_in_window", std::int64_t{f.user_events_in_window}},
                 {"burst_writes", std::int64_t{t.burst_writes}},
                 {"burst_events", std::int64_t{t.burst_events}},
                 {"window_s", t.burst_window_s}});
}

Finding change_after_completion(const WriteFacts& f) {
    return make(Kind::kChangeAfterCompletion, Severity::kWarning,
                {{"write", std::string(f.kind == WriteKind::kCorrection ? "correction" : "score")},
                 {"home", std::int64_t{f.home}},
                 {"away", std::int64_t{f.away}},
                 {"status", std::string(to_string(f.to))}});
}

std::optional<Finding> score_before_start(const WriteFacts& f, const Thresholds& t) {
    const std::int64_t early_s = f.starts_at_s - f.now_s;
    if (early_s <= t.early_grace_s) {
        return std::nullopt;
    }
    return make(Kind::kScoreBeforeStart, Severity::kWarning,
                {{"written_at_s", f.now_s},
                 {"starts_at_s", f.starts_at_s},
                 {"early_s", early_s},
                 {"grace_s", t.early_grace_s}});
}

std::optional<Finding> late_score(const WriteFacts& f, const Thresholds& t) {
    const std::int64_t delay_s = f.now_s - f.starts_at_s;
    if (delay_s <= t.late_after_s) {
        return std::nullopt;
    }
    return make(Kind::kLateScore, Severity::kInfo,
                {{"written_at_s", f.now_s},
                 {"starts_at_s", f.starts_at_s},
                 {"delay_s", delay_s},
                 {"late_after_s", t.late_after_s}});
}

}  // namespace

std::string_view to_string(Kind kind) {
    for (const KindName& k : kKindNames) {
        if (k.kind == kind) {
            return k.name;
        }
    }
    return "margin_outlier";
}

std::optional<Kind> parse_kind(std::string_view text) {
    for (const KindName& k : kKindNames) {
        if (k.name == text) {
            return k.kind;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::kInfo:
            return "info";
        case Severity::kWarning:
            return "warning";
        case Severity::kCritical:
            return "critical";
    }
    return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
    for (const Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
        if (to_string(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

Subject subject_of(Kind kind) {
    switch (kind) {
        case Kind::kEditBurst:
            return Subject::kUser;
        case Kind::kMarginOutlier:
        case Kind::kImplausibleScore:
        case Kind::kUnexpectedResult:
        case Kind::kFinalCorrected:
        case Kind::kRepeatedCorrections:
        case Kind::kChangeAfterCompletion:
        case Kind::kScoreBeforeStart:
        case Kind::kLateScore:
            return Subject::kGame;
    }
    return Subject::kGame;
}

std::string_view to_string(AlertStatus status) {
    switch (status) {
        case AlertStatus::kOpen:
            return "open";
        case AlertStatus::kAcknowledged:
            return "acknowledged";
        case AlertStatus::kResolved:
            return "resolved";
        case AlertStatus::kDismissed:
            return "dismissed";
    }
    return "open";
}

std::optional<AlertStatus> parse_alert_status(std::string_view text) {
    for (const AlertStatus s : {AlertStatus::kOpen, AlertStatus::kAcknowledged,
                                AlertStatus::kResolved, AlertStatus::kDismissed}) {
        if (to_string(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

bool may_move(AlertStatus from, AlertStatus to) {
    switch (from) {
        case AlertStatus::kOpen:
            return to == AlertStatus::kAcknowledged;
        case AlertStatus::kAcknowledged:
            return to == AlertStatus::kResolved || to == AlertStatus::kDismissed;
        case AlertStatus::kResolved:
        case AlertStatus::kDismissed:
            return false;
    }
    return false;
}

AlertStatus on_recurrence(AlertStatus current) {
    switch (current) {
        case AlertStatus::kResolved:
            return AlertStatus::kOpen;
        case AlertStatus::kOpen:
        case AlertStatus::kAcknowledged:
        case AlertStatus::kDismissed:
            return current;
    }
    return current;
}

RobustCentre robust_centre(const std::vector<MarginCount>& margins) {
    std::vector<MarginCount> sorted;
    sorted.reserve(margins.size());
    std::int64_t total = 0;
    for (const MarginCount& m : margins) {
        if (m.count > 0) {
            sorted.push_back(m);
            total += m.count;
        }
    }
    if (total == 0) {
        return {};
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const MarginCount& a, const MarginCount& b) { return a.margin < b.margin; });
    const double median = weighted_median(
        sorted, total, [](const MarginCount& m) { return static_cast<double>(m.margin); });
    std::vector<Deviation> deviations;
    deviations.reserve(sorted.size());
    for (const MarginCount& m : sorted) {
        deviations.push_back({std::abs(m.margin - median), m.count});
    }
    std::sort(deviations.begin(), deviations.end(),
              [](const Deviation& a, const Deviation& b) { return a.deviation < b.deviation; });
    const double mad =
        weighted_median(deviations, total, [](const Deviation& d) { return d.deviation; });
    return {median, mad, total};
}

double robust_z(const RobustCentre& centre, int margin) {
    const double mad = centre.mad == 0.0 ? 1.0 : centre.mad;
    return kMadScale * (margin - centre.median) / mad;
}

std::vector<Rating> elo_ratings(const std::vector<FinalResult>& finals,
                                const Thresholds& thresholds) {
    std::vector<Rating> ratings;
    ratings.reserve(finals.size() * 2);
    for (const FinalResult& r : finals) {
        ratings.push_back({r.home_team, 1500.0, 0});
        ratings.push_back({r.away_team, 1500.0, 0});
    }
    std::sort(ratings.begin(), ratings.end(),
              [](const Rating& a, const Rating& b) { return a.team < b.team; });
    ratings.erase(std::unique(ratings.begin(), ratings.end(),
                              [](const Rating& a, const Rating& b) { return a.team == b.team; }),
                  ratings.end());
    auto find = [&](std::int64_t team) -> Rating& {
        return *std::lower_bound(ratings.begin(), ratings.end(), team,
                                 [](const Rating& r, std::int64_t id) { return r.team < id; });
    };
    for (const FinalResult& r : finals) {
        Rating& home = find(r.home_team);
        Rating& away = find(r.away_team);
        const double expected = expected_home(home.elo, away.elo, thresholds);
        const double actual = r.home > r.away ? 1.0 : r.home == r.away ? 0.5 : 0.0;
        const double delta =
            thresholds.elo_k * goal_weight(std::abs(r.home - r.away)) * (actual - expected);
        home.elo += delta;
        away.elo -= delta;
        ++home.games;
        ++away.games;
    }
    return ratings;
}

double expected_home(double home_elo, double away_elo, const Thresholds& thresholds) {
    const double diff = away_elo - (home_elo + thresholds.elo_home_advantage);
    return 1.0 / (1.0 + std::pow(10.0, diff / 400.0));
}

std::vector<Finding> detect(const WriteFacts& facts, const Thresholds& thresholds) {
    std::vector<Finding> findings;
    const bool final_written = facts.to == GameStatus::kFinal;
    const bool correction = facts.kind == WriteKind::kCorrection;
    for (const Kind kind : kAllKinds) {
        std::optional<Finding> found;
        switch (kind) {
            case Kind::kMarginOutlier:
                if (final_written) {
                    found = margin_outlier(facts, thresholds);
                }
                break;
            case Kind::kImplausibleScore:
                found = implausible_score(facts, thresholds);
                break;
            case Kind::kUnexpectedResult:
                if (final_written) {
                    found = unexpected_result(facts, thresholds);
                }
                break;
            case Kind::kFinalCorrected:
                if (correction) {
                    found = final_corrected(facts);
                }
                break;
            case Kind::kRepeatedCorrections:
                if (correction) {
                    found = repeated_corrections(facts, thresholds);
                }
                break;
            case Kind::kEditBurst:
                if (thresholds.burst_check) {
                    found = edit_burst(facts, thresholds);
                }
                break;
            case Kind::kChangeAfterCompletion:
                if (facts.event_completed) {
                    found = change_after_completion(facts);
                }
                break;
            case Kind::kScoreBeforeStart:
                if (thresholds.timing_checks) {
                    found = score_before_start(facts, thresholds);
                }
                break;
            case Kind::kLateScore:
                if (thresholds.timing_checks && !correction && final_written &&
                    facts.from != GameStatus::kFinal) {
                    found = late_score(facts, thresholds);
                }
                break;
        }
        if (found) {
            findings.push_back(std::move(*found));
        }
    }
    return findings;
}

}  // namespace domain::integrity
