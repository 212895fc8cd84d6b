// The integrity detectors one by one (domain/integrity.hpp, issue 15): where
// each fires (at its threshold, by the header's wording: "at least" and "at
// most" include it, "above" and "more than" do not), which writes it looks
// at, the statistics behind it, and the alert's status rules.
#include "domain/integrity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using namespace domain::integrity;
using domain::GameStatus;

constexpr std::int64_t kStart = 1'700'000'000;
constexpr std::int64_t kHour = 3600;

// A sport sample of 100 finals: 25 draws, 35 one-goal, 25 two-goal and 15
// three-goal margins. Median 1; deviations 0 (35), 1 (50), 2 (15): MAD 1.
std::vector<MarginCount> sport_sample(std::int64_t scale = 1) {
    return {{0, 25 * scale}, {1, 35 * scale}, {2, 25 * scale}, {3, 15 * scale}};
}

// An on-time final of game 100 (team 1 at home to team 2) by a scorekeeper
// with an ordinary day: nothing in it is suspicious but what a test changes.
WriteFacts final_write(int home, int away) {
    WriteFacts f;
    f.kind = WriteKind::kScore;
    f.sport = "football";
    f.game_id = 100;
    f.home_team = 1;
    f.away_team = 2;
    f.from = GameStatus::kLive;
    f.to = GameStatus::kFinal;
    f.home = home;
    f.away = away;
    f.starts_at_s = kStart;
    f.now_s = kStart + 2 * kHour;
    f.sport_margins = sport_sample();
    f.user_writes_in_window = 1;
    f.user_events_in_window = 1;
    return f;
}

WriteFacts correction(int home, int away, int in_window = 1) {
    WriteFacts f = final_write(home, away);
    f.kind = WriteKind::kCorrection;
    f.from = GameStatus::kFinal;
    f.corrections_in_window = in_window;
    return f;
}

std::vector<Kind> kinds(const std::vector<Finding>& findings) {
    std::vector<Kind> out;
    for (const Finding& f : findings) {
        out.push_back(f.kind);
    }
    return out;
}

bool fires(const WriteFacts& facts, Kind kind, const Thresholds& t = {}) {
    const auto k = kinds(detect(facts, t));
    return std::find(k.begin(), k.end(), kind) != k.end();
}

const Finding& finding(const std::vector<Finding>& findings, Kind kind) {
    const auto it = std::find_if(findings.begin(), findings.end(),
                                 [&](const Finding& f) { return f.kind == kind; });
    static const Finding kNone{};
    EXPECT_NE(it, findings.end()) << to_string(kind);
    return it == findings.end() ? kNone : *it;
}

std::vector<std::string> names(const Finding& f) {
    std::vector<std::string> out;
    for (const EvidenceItem& e : f.evidence) {
        out.push_back(e.name);
    }
    return out;
}

template <typename T>
T value(const Finding& f, const std::string& name) {
    for (const EvidenceItem& e : f.evidence) {
        if (e.name == name) {
            return std::get<T>(e.value);
        }
    }
    ADD_FAILURE() << "no evidence " << name;
    return T{};
}

// --- spellings and the alert's life ---

TEST(IntegrityWords, KindsRoundTripAndUnknownWordsAreRefused) {
    const std::vector<std::string> expected = {
        "margin_outlier",          "implausible_score",    "unexpected_result",
        "final_corrected",         "repeated_corrections", "edit_burst",
        "change_after_completion", "score_before_start",   "late_score"};
    ASSERT_EQ(kAllKinds.size(), expected.size());
    for (std::size_t i = 0; i < kAllKinds.size(); ++i) {
        EXPECT_EQ(to_string(kAllKinds[i]), expected[i]);
        EXPECT_EQ(parse_kind(expected[i]), kAllKinds[i]);
    }
    for (const char* bad : {"", "Margin_Outlier", "margin outlier", "margin_outlier ", "burst"}) {
        EXPECT_FALSE(parse_kind(bad).has_value()) << bad;
    }
}

TEST(IntegrityWords, SeveritiesAndStatusesRoundTrip) {
    for (const Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
        EXPECT_EQ(parse_severity(to_string(s)), s);
    }
    EXPECT_EQ(to_string(Severity::kInfo), "info");
    EXPECT_EQ(to_string(Severity::kWarning), "warning");
    EXPECT_EQ(to_string(Severity::kCritical), "critical");
    for (const char* bad : {"", "Info", "error", "warn"}) {
        EXPECT_FALSE(parse_severity(bad).has_value()) << bad;
    }
    for (const AlertStatus s : {AlertStatus::kOpen, AlertStatus::kAcknowledged,
                                AlertStatus::kResolved, AlertStatus::kDismissed}) {
        EXPECT_EQ(parse_alert_status(to_string(s)), s);
    }
    EXPECT_EQ(to_string(AlertStatus::kOpen), "open");
    EXPECT_EQ(to_string(AlertStatus::kAcknowledged), "acknowledged");
    EXPECT_EQ(to_string(AlertStatus::kResolved), "resolved");
    EXPECT_EQ(to_string(AlertStatus::kDismissed), "dismissed");
    for (const char* bad : {"", "Open", "closed", "acknowledge"}) {
        EXPECT_FALSE(parse_alert_status(bad).has_value()) << bad;
    }
}

TEST(IntegrityWords, OnlyAnEditBurstIsAboutAUser) {
    for (const Kind k : kAllKinds) {
        EXPECT_EQ(subject_of(k), k == Kind::kEditBurst ? Subject::kUser : Subject::kGame)
            << to_string(k);
    }
}

TEST(IntegrityStatus, MayMoveOnlyForwardAlongTheWorkflow) {
    const std::vector<AlertStatus> all = {AlertStatus::kOpen, AlertStatus::kAcknowledged,
                                          AlertStatus::kResolved, AlertStatus::kDismissed};
    for (const AlertStatus from : all) {
        for (const AlertStatus to : all) {
            const bool allowed =
                (from == AlertStatus::kOpen && to == AlertStatus::kAcknowledged) ||
                (from == AlertStatus::kAcknowledged && to == AlertStatus::kResolved) ||
                (from == AlertStatus::kAcknowledged && to == AlertStatus::kDismissed);
            EXPECT_EQ(may_move(from, to), allowed) << to_string(from) << " -> " << to_string(to);
        }
    }
}

TEST(IntegrityStatus, ARecurringCauseReopensOnlyAResolvedAlert) {
    EXPECT_EQ(on_recurrence(AlertStatus::kResolved), AlertStatus::kOpen);
    EXPECT_EQ(on_recurrence(AlertStatus::kOpen), AlertStatus::kOpen);
    EXPECT_EQ(on_recurrence(AlertStatus::kAcknowledged), AlertStatus::kAcknowledged);
    EXPECT_EQ(on_recurrence(AlertStatus::kDismissed), AlertStatus::kDismissed);
}

// --- statistics ---

TEST(IntegrityStatistics, RobustCentreOfAnEmptySample) {
    const RobustCentre c = robust_centre({});
    EXPECT_EQ(c.sample, 0);
    EXPECT_EQ(c.median, 0.0);
    EXPECT_EQ(c.mad, 0.0);
    EXPECT_EQ(robust_centre({{3, 0}}).sample, 0);
}

TEST(IntegrityStatistics, RobustCentreIsTheExactMedianOfTheHistogram) {
    // 0 0 1 1 1 1 3 (unsorted, one margin given twice): median 1;
    // deviations 0 0 0 0 1 1 2: MAD 0.
    const RobustCentre odd = robust_centre({{3, 1}, {1, 3}, {0, 2}, {1, 1}});
    EXPECT_EQ(odd.sample, 7);
    EXPECT_EQ(odd.median, 1.0);
    EXPECT_EQ(odd.mad, 0.0);
    // 0 0 2 2: median between the middle two, 1; every deviation 1.
    const RobustCentre even = robust_centre({{0, 2}, {2, 2}});
    EXPECT_EQ(even.sample, 4);
    EXPECT_EQ(even.median, 1.0);
    EXPECT_EQ(even.mad, 1.0);
    // 0 1 1 4: median 1; deviations 0 0 1 3: MAD 0.5.
    const RobustCentre half = robust_centre({{4, 1}, {1, 2}, {0, 1}, {7, 0}});
    EXPECT_EQ(half.sample, 4);
    EXPECT_EQ(half.median, 1.0);
    EXPECT_EQ(half.mad, 0.5);
    const RobustCentre sport = robust_centre(sport_sample());
    EXPECT_EQ(sport.sample, 100);
    EXPECT_EQ(sport.median, 1.0);
    EXPECT_EQ(sport.mad, 1.0);
}

TEST(IntegrityStatistics, RobustZTakesAZeroMadAsOne) {
    EXPECT_DOUBLE_EQ(robust_z({1.0, 0.0, 7}, 5), 0.6745 * 4);
    EXPECT_DOUBLE_EQ(robust_z({1.0, 1.0, 7}, 5), 0.6745 * 4);
    EXPECT_DOUBLE_EQ(robust_z({1.0, 2.0, 7}, 5), 0.6745 * 2);
    EXPECT_DOUBLE_EQ(robust_z({2.0, 1.0, 7}, 0), -0.6745 * 2);
}

TEST(IntegrityStatistics, ExpectedHomeIsTheEloCurveWithHomeAdvantage) {
    Thresholds t;
    t.elo_home_advantage = 0;
    EXPECT_DOUBLE_EQ(expected_home(1500, 1500, t), 0.5);
    EXPECT_DOUBLE_EQ(expected_home(1900, 1500, t), 10.0 / 11.0);
    EXPECT_DOUBLE_EQ(expected_home(1600, 1450, t) + expected_home(1450, 1600, t), 1.0);
    t.elo_home_advantage = 60;
    EXPECT_DOUBLE_EQ(expected_home(1500, 1500, t), 1.0 / (1.0 + std::pow(10.0, -60.0 / 400.0)));
    EXPECT_DOUBLE_EQ(expected_home(1500, 1960, t), 1.0 / 11.0);
}

TEST(IntegrityStatistics, EloRatingsFollowTheResultsInOrder) {
    const Thresholds t;
    EXPECT_TRUE(elo_ratings({}, t).empty());
    // Team 7 beats team 3 at home by one goal, then draws away at team 5, then
    // team 3 beats team 5 by four goals (K × (11 + 4) / 8).
    const std::vector<FinalResult> finals = {
        {1, 7, 3, 1, 0, kStart}, {2, 5, 7, 2, 2, kStart + 1}, {3, 3, 5, 4, 0, kStart + 2}};
    double r3 = 1500;
    double r5 = 1500;
    double r7 = 1500;
    double d = t.elo_k * (1.0 - expected_home(r7, r3, t));
    r7 += d;
    r3 -= d;
    d = t.elo_k * (0.5 - expected_home(r5, r7, t));
    r5 += d;
    r7 -= d;
    d = t.elo_k * (11.0 + 4.0) / 8.0 * (1.0 - expected_home(r3, r5, t));
    r3 += d;
    r5 -= d;
    const std::vector<Rating> ratings = elo_ratings(finals, t);
    ASSERT_EQ(ratings.size(), 3u);  // only the teams that played, by id
    EXPECT_EQ(ratings[0].team, 3);
    EXPECT_EQ(ratings[1].team, 5);
    EXPECT_EQ(ratings[2].team, 7);
    EXPECT_DOUBLE_EQ(ratings[0].elo, r3);
    EXPECT_DOUBLE_EQ(ratings[1].elo, r5);
    EXPECT_DOUBLE_EQ(ratings[2].elo, r7);
    for (const Rating& r : ratings) {
        EXPECT_EQ(r.games, 2);
    }
    EXPECT_DOUBLE_EQ(ratings[0].elo + ratings[1].elo + ratings[2].elo, 4500.0);
}

TEST(IntegrityStatistics, ATwoGoalWinWeighsOneAndAHalf) {
    const Thresholds t;
    const double e = expected_home(1500, 1500, t);
    const auto one = elo_ratings({{1, 1, 2, 1, 0, kStart}}, t);
    const auto two = elo_ratings({{1, 1, 2, 2, 0, kStart}}, t);
    const auto three = elo_ratings({{1, 1, 2, 3, 0, kStart}}, t);
    EXPECT_DOUBLE_EQ(one[0].elo, 1500 + t.elo_k * (1 - e));
    EXPECT_DOUBLE_EQ(two[0].elo, 1500 + 1.5 * t.elo_k * (1 - e));
    EXPECT_DOUBLE_EQ(three[0].elo, 1500 + 14.0 / 8.0 * t.elo_k * (1 - e));
}

// --- the detectors ---

TEST(IntegrityDetect, AnOrdinaryFinalFiresNothing) {
    EXPECT_TRUE(detect(final_write(2, 1), {}).empty());
    EXPECT_TRUE(detect(final_write(0, 0), {}).empty());
}

TEST(IntegrityDetect, MarginOutlierAboveTheThresholdAgainstTheSport) {
    // Median 1, MAD 1: z = 0.6745 × (margin − 1); 7 is 4.05, 6 is 3.37.
    EXPECT_TRUE(fires(final_write(7, 0), Kind::kMarginOutlier));
    EXPECT_TRUE(fires(final_write(0, 7), Kind::kMarginOutlier));
    EXPECT_FALSE(fires(final_write(6, 0), Kind::kMarginOutlier));
    // "Above": a z equal to the threshold does not fire, one just over does.
    Thresholds t;
    t.margin_z = robust_z(robust_centre(sport_sample()), 6);
    EXPECT_FALSE(fires(final_write(6, 0), Kind::kMarginOutlier, t));
    t.margin_z = std::nextafter(t.margin_z, 0.0);
    EXPECT_TRUE(fires(final_write(6, 0), Kind::kMarginOutlier, t));

    const auto findings = detect(final_write(9, 0), {});
    const Finding& f = finding(findings, Kind::kMarginOutlier);
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_EQ(names(f),
              (std::vector<std::string>{"margin", "z_event", "z_sport", "median_event", "mad_event",
                                        "sample_event", "median_sport", "mad_sport", "sample_sport",
                                        "threshold_z", "min_sample"}));
    EXPECT_EQ(value<std::int64_t>(f, "margin"), 9);
    EXPECT_DOUBLE_EQ(value<double>(f, "z_sport"), 0.6745 * 8);
    EXPECT_EQ(value<std::int64_t>(f, "sample_sport"), 100);
    EXPECT_EQ(value<std::int64_t>(f, "sample_event"), 0);
    EXPECT_DOUBLE_EQ(value<double>(f, "threshold_z"), 3.5);
    EXPECT_EQ(value<std::int64_t>(f, "min_sample"), 30);
}

TEST(IntegrityDetect, MarginOutlierNeedsAMinimumSample) {
    WriteFacts f = final_write(9, 0);
    f.sport_margins = {{0, 7}, {1, 10}, {2, 7}, {3, 5}};  // 29 finals
    EXPECT_FALSE(fires(f, Kind::kMarginOutlier));
    f.sport_margins[1].count = 11;  // 30
    EXPECT_TRUE(fires(f, Kind::kMarginOutlier));
    // Only the event has a sample: it alone decides.
    f.sport_margins.clear();
    for (int i = 0; i < 30; ++i) {
        f.event_finals.push_back({i + 1, 10 + i, 50 + i, i % 3, 0, kStart - (30 - i) * kHour});
    }
    EXPECT_TRUE(fires(f, Kind::kMarginOutlier));
    f.event_finals.pop_back();  // 29
    EXPECT_FALSE(fires(f, Kind::kMarginOutlier));
}

TEST(IntegrityDetect, MarginOutlierMustBeExtremeAgainstEveryReferenceWithASample) {
    WriteFacts f = final_write(7, 0);
    // An event where routs are the rule: median 6.5, MAD 0.5, so 7 is ordinary there.
    for (int i = 0; i < 30; ++i) {
        f.event_finals.push_back({i + 1, 10 + i, 50 + i, 6 + i % 2, 0, kStart - (30 - i) * kHour});
    }
    EXPECT_FALSE(fires(f, Kind::kMarginOutlier));
    f.sport_margins.clear();
    EXPECT_FALSE(fires(f, Kind::kMarginOutlier));
}

TEST(IntegrityDetect, MarginAndUnexpectedOnlyForAFinal) {
    WriteFacts live = final_write(9, 0);
    live.to = GameStatus::kLive;
    EXPECT_FALSE(fires(live, Kind::kMarginOutlier));
    WriteFacts corrected = correction(9, 0);
    EXPECT_TRUE(fires(corrected, Kind::kMarginOutlier));
}

TEST(IntegrityDetect, ImplausibleScoreAboveTheSportsLimits) {
    EXPECT_TRUE(fires(final_write(11, 0), Kind::kImplausibleScore));
    EXPECT_TRUE(fires(final_write(0, 11), Kind::kImplausibleScore));
    EXPECT_FALSE(fires(final_write(10, 0), Kind::kImplausibleScore));
    EXPECT_TRUE(fires(final_write(7, 6), Kind::kImplausibleScore));   // total 13
    EXPECT_FALSE(fires(final_write(6, 6), Kind::kImplausibleScore));  // total 12
    // Any write, a live one included; the sport without regard to case.
    WriteFacts live = final_write(14, 1);
    live.to = GameStatus::kLive;
    live.sport = "FootBall";
    const auto findings = detect(live, {});
    const Finding& f = finding(findings, Kind::kImplausibleScore);
    EXPECT_EQ(f.severity, Severity::kCritical);
    EXPECT_EQ(value<std::string>(f, "sport"), "FootBall");
    EXPECT_EQ(value<std::int64_t>(f, "home"), 14);
    EXPECT_EQ(value<std::int64_t>(f, "away"), 1);
    EXPECT_EQ(value<std::int64_t>(f, "max_side"), 10);
    EXPECT_EQ(value<std::int64_t>(f, "max_total"), 12);
    // A sport without limits gets no such alert.
    WriteFacts handball = final_write(30, 28);
    handball.sport = "handball";
    EXPECT_FALSE(fires(handball, Kind::kImplausibleScore));
}

// Five rounds in which team 1 (home in the write) wins everything and team 2
// loses everything, against teams 10.. of their own.
WriteFacts upset(int home, int away) {
    WriteFacts f = final_write(home, away);
    for (int i = 0; i < 5; ++i) {
        f.event_finals.push_back({2 * i + 1, 1, 10 + i, 2, 0, kStart - (10 - i) * 24 * kHour});
        f.event_finals.push_back({2 * i + 2, 20 + i, 2, 2, 0, kStart - (10 - i) * 24 * kHour});
    }
    return f;
}

TEST(IntegrityDetect, UnexpectedResultWhenTheUnderdogWinsWide) {
    const Thresholds t;
    const auto ratings = elo_ratings(upset(0, 3).event_finals, t);
    const auto of = [&](std::int64_t team) {
        return *std::find_if(ratings.begin(), ratings.end(),
                             [&](const Rating& r) { return r.team == team; });
    };
    const double winner_expected = 1.0 - expected_home(of(1).elo, of(2).elo, t);
    ASSERT_LT(winner_expected, t.elo_max_expected);
    EXPECT_TRUE(fires(upset(0, 3), Kind::kUnexpectedResult));
    EXPECT_FALSE(fires(upset(0, 2), Kind::kUnexpectedResult));  // below min margin
    EXPECT_FALSE(fires(upset(3, 0), Kind::kUnexpectedResult));  // the favourite won
    EXPECT_FALSE(fires(upset(3, 3), Kind::kUnexpectedResult));
    // "At most": the winner's expected score equal to the threshold fires.
    Thresholds at = t;
    at.elo_max_expected = winner_expected;
    EXPECT_TRUE(fires(upset(0, 3), Kind::kUnexpectedResult, at));
    at.elo_max_expected = std::nextafter(winner_expected, 0.0);
    EXPECT_FALSE(fires(upset(0, 3), Kind::kUnexpectedResult, at));

    const auto findings = detect(upset(1, 4), t);
    const Finding& f = finding(findings, Kind::kUnexpectedResult);
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_DOUBLE_EQ(value<double>(f, "home_elo"), of(1).elo);
    EXPECT_DOUBLE_EQ(value<double>(f, "away_elo"), of(2).elo);
    EXPECT_DOUBLE_EQ(value<double>(f, "winner_expected"), winner_expected);
    EXPECT_EQ(value<std::int64_t>(f, "margin"), 3);
    EXPECT_EQ(value<std::int64_t>(f, "home_games"), 5);
    EXPECT_EQ(value<std::int64_t>(f, "away_games"), 5);
    EXPECT_DOUBLE_EQ(value<double>(f, "max_expected"), t.elo_max_expected);
    EXPECT_EQ(value<std::int64_t>(f, "min_margin"), 3);
    EXPECT_EQ(value<std::int64_t>(f, "min_games"), 5);

    WriteFacts live = upset(0, 3);
    live.to = GameStatus::kLive;
    EXPECT_FALSE(fires(live, Kind::kUnexpectedResult));
}

TEST(IntegrityDetect, UnexpectedResultNeedsMinimumGamesOfBothTeams) {
    Thresholds t;
    EXPECT_TRUE(fires(upset(0, 3), Kind::kUnexpectedResult, t));
    t.elo_min_games = 6;
    EXPECT_FALSE(fires(upset(0, 3), Kind::kUnexpectedResult, t));
    WriteFacts four = upset(0, 3);
    four.event_finals.erase(four.event_finals.begin() + 1);  // team 2's first loss
    EXPECT_FALSE(fires(four, Kind::kUnexpectedResult));
}

TEST(IntegrityDetect, CorrectionsOnlyForCorrections) {
    EXPECT_FALSE(fires(final_write(2, 1), Kind::kFinalCorrected));
    const auto findings = detect(correction(2, 1), {});
    EXPECT_EQ(kinds(findings), std::vector<Kind>{Kind::kFinalCorrected});
    EXPECT_EQ(findings[0].severity, Severity::kInfo);

    // "This many": the corrections_max-th correction within the window fires.
    const Thresholds t;
    EXPECT_FALSE(fires(correction(2, 1, t.corrections_max - 1), Kind::kRepeatedCorrections));
    const auto repeated = detect(correction(2, 1, t.corrections_max), t);
    EXPECT_EQ(kinds(repeated),
              (std::vector<Kind>{Kind::kFinalCorrected, Kind::kRepeatedCorrections}));
    const Finding& f = finding(repeated, Kind::kRepeatedCorrections);
    EXPECT_EQ(f.severity, Severity::kCritical);
    EXPECT_EQ(value<std::int64_t>(f, "corrections_in_window"), t.corrections_max);
    EXPECT_EQ(value<std::int64_t>(f, "corrections_max"), t.corrections_max);
    EXPECT_EQ(value<std::int64_t>(f, "window_s"), t.corrections_window_s);

    WriteFacts score = final_write(2, 1);
    score.corrections_in_window = t.corrections_max;
    EXPECT_FALSE(fires(score, Kind::kRepeatedCorrections));
}

TEST(IntegrityDetect, LateScoreOnlyForAGamesFirstFinal) {
    const Thresholds t;
    WriteFacts late = final_write(2, 1);
    late.now_s = kStart + t.late_after_s;  // "more than": not yet
    EXPECT_FALSE(fires(late, Kind::kLateScore));
    late.now_s = kStart + t.late_after_s + 1;
    const auto findings = detect(late, t);
    const Finding& f = finding(findings, Kind::kLateScore);
    EXPECT_EQ(f.severity, Severity::kInfo);
    EXPECT_EQ(value<std::int64_t>(f, "delay_s"), t.late_after_s + 1);
    EXPECT_EQ(value<std::int64_t>(f, "late_after_s"), t.late_after_s);

    WriteFacts live = late;
    live.to = GameStatus::kLive;
    EXPECT_FALSE(fires(live, Kind::kLateScore));
    WriteFacts again = late;
    again.from = GameStatus::kFinal;
    EXPECT_FALSE(fires(again, Kind::kLateScore));
    WriteFacts corrected = correction(2, 1);
    corrected.now_s = late.now_s;
    EXPECT_FALSE(fires(corrected, Kind::kLateScore));
}

TEST(IntegrityDetect, ScoreBeforeStartForAnyWrite) {
    const Thresholds t;
    WriteFacts early = final_write(1, 0);
    early.from = GameStatus::kScheduled;
    early.to = GameStatus::kLive;
    early.now_s = kStart - t.early_grace_s;  // within the grace
    EXPECT_FALSE(fires(early, Kind::kScoreBeforeStart));
    early.now_s = kStart - t.early_grace_s - 1;
    const auto findings = detect(early, t);
    const Finding& f = finding(findings, Kind::kScoreBeforeStart);
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_EQ(value<std::int64_t>(f, "early_s"), t.early_grace_s + 1);
    EXPECT_EQ(value<std::int64_t>(f, "grace_s"), t.early_grace_s);

    WriteFacts corrected = correction(1, 0);
    corrected.now_s = early.now_s;
    EXPECT_TRUE(fires(corrected, Kind::kScoreBeforeStart));
}

TEST(IntegrityDetect, TimingChecksCanBeTurnedOff) {
    Thresholds t;
    t.timing_checks = false;
    WriteFacts late = final_write(2, 1);
    late.now_s = kStart + 30 * 24 * kHour;
    EXPECT_FALSE(fires(late, Kind::kLateScore, t));
    WriteFacts early = final_write(2, 1);
    early.now_s = kStart - 30 * 24 * kHour;
    EXPECT_FALSE(fires(early, Kind::kScoreBeforeStart, t));
    EXPECT_TRUE(fires(late, Kind::kLateScore));
    EXPECT_TRUE(fires(early, Kind::kScoreBeforeStart));
}

TEST(IntegrityDetect, ChangeAfterCompletionForAnyWrite) {
    EXPECT_FALSE(fires(correction(2, 1), Kind::kChangeAfterCompletion));
    WriteFacts corrected = correction(2, 1);
    corrected.event_completed = true;
    const auto findings = detect(corrected, {});
    EXPECT_EQ(finding(findings, Kind::kChangeAfterCompletion).severity, Severity::kWarning);
    WriteFacts live = final_write(1, 1);
    live.to = GameStatus::kLive;
    live.event_completed = true;
    EXPECT_TRUE(fires(live, Kind::kChangeAfterCompletion));
}

TEST(IntegrityDetect, EditBurstAtLeastSoManyWritesAcrossSoManyEvents) {
    Thresholds t;
    WriteFacts w = final_write(1, 0);
    w.to = GameStatus::kLive;
    w.user_writes_in_window = t.burst_writes;
    w.user_events_in_window = t.burst_events;
    const auto findings = detect(w, t);
    const Finding& f = finding(findings, Kind::kEditBurst);
    EXPECT_EQ(f.severity, Severity::kWarning);
    EXPECT_EQ(value<std::int64_t>(f, "writes_in_window"), t.burst_writes);
    EXPECT_EQ(value<std::int64_t>(f, "events_in_window"), t.burst_events);
    EXPECT_EQ(value<std::int64_t>(f, "burst_writes"), t.burst_writes);
    EXPECT_EQ(value<std::int64_t>(f, "burst_events"), t.burst_events);
    EXPECT_EQ(value<std::int64_t>(f, "window_s"), t.burst_window_s);
    w.user_writes_in_window = t.burst_writes - 1;
    EXPECT_FALSE(fires(w, Kind::kEditBurst, t));
    w.user_writes_in_window = t.burst_writes * 10;
    w.user_events_in_window = t.burst_events - 1;  // many writes, one event too few
    EXPECT_FALSE(fires(w, Kind::kEditBurst, t));
    w.user_events_in_window = t.burst_events;
    t.burst_check = false;
    EXPECT_FALSE(fires(w, Kind::kEditBurst, t));
}

TEST(IntegrityDetect, EveryFindingOnceInTheOrderOfKind) {
    const Thresholds t;
    WriteFacts w = upset(14, 1);
    w.kind = WriteKind::kCorrection;
    w.from = GameStatus::kFinal;
    w.corrections_in_window = t.corrections_max;
    w.user_writes_in_window = t.burst_writes;
    w.user_events_in_window = t.burst_events;
    w.event_completed = true;
    w.now_s = kStart - t.early_grace_s - 1;
    EXPECT_EQ(
        kinds(detect(w, t)),
        (std::vector<Kind>{Kind::kMarginOutlier, Kind::kImplausibleScore, Kind::kFinalCorrected,
                           Kind::kRepeatedCorrections, Kind::kEditBurst,
                           Kind::kChangeAfterCompletion, Kind::kScoreBeforeStart}));
    // The same final written late as a first final: late_score instead of the
    // correction kinds, and the favourite's rout is no upset.
    WriteFacts first = upset(14, 1);
    first.now_s = kStart + t.late_after_s + 1;
    EXPECT_EQ(kinds(detect(first, t)),
              (std::vector<Kind>{Kind::kMarginOutlier, Kind::kImplausibleScore, Kind::kLateScore}));
}

}  // namespace
