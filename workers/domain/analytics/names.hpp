// Finding the teams and events a question names (issue 16): full names, forms
// derived from them, a team's short_name and its organizer-added aliases,
// with typos. Pure; any thread.
//
// Derived forms, never a list of real clubs: generic naming words ("FC",
// "CF", "Club", "de", "&", ...) may be left out; any one distinctive word
// names a team alone ("Brighton", "Forest", "Atletico"); several words in
// order may be shortened to prefixes of at least 3 letters or abbreviations
// that keep the first letter ("Man City", "Man Utd"), as long as two of them
// are given. A word several candidates share ("Manchester", "Real") is
// ambiguous: the match lists them all and the parser declines. Nicknames
// that cannot be derived ("Spurs", "Wolves") must come from short_name or an
// alias.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "domain/analytics/catalogue.hpp"
#include "domain/analytics/text.hpp"

namespace domain::analytics {

enum class EntityKind { kTeam, kEvent };

// One thing a question names, as the parser understood it.
struct Entity {
    EntityKind kind = EntityKind::kTeam;
    std::int64_t id = 0;
    std::int64_t event_id = 0;  // for a team: its event; for an event: itself
    std::string name;           // the catalogue's name
    std::string matched_text;   // the question's (folded) words it matched
    double confidence = 0;      // 0..1
};

// A name found at tokens [begin, end): one candidate, or several when the
// words fit more than one thing about equally well (best first).
struct NameMatch {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::vector<Entity> candidates;
};

// The names of the catalogue's events, or of its teams (of `event_id` when
// given), ready to be matched.
class NameIndex {
  public:
    // `is_vocabulary` tells the parser's own words: they match a name only
    // when spelled exactly as in it (never as a prefix or a typo).
    static NameIndex of_events(const Catalogue& catalogue,
                               std::function<bool(std::string_view)> is_vocabulary);
    static NameIndex of_teams(const Catalogue& catalogue, const std::int64_t* event_id,
                              std::function<bool(std::string_view)> is_vocabulary);

    // The names found in `tokens`, left to right, longest first, skipping and
    // then marking the tokens `used`.
    [[nodiscard]] std::vector<NameMatch> find(std::span<const Token> tokens,
                                              std::vector<bool>& used) const;

    // Whether `word` is spelled exactly as some word of some name.
    [[nodiscard]] bool has_word(std::string_view word) const;

  private:
    struct Form {
        std::vector<std::string> words;
        std::vector<bool> generic;
        bool whole = false;  // short_name, alias: every distinctive word must be given
    };
    struct Named {
        Entity entity;
        std::vector<Form> forms;
    };
    struct Span {
        std::size_t end = 0;
        double confidence = 0;
    };
    // A question's word, with what is known of it before matching.
    struct Word {
        std::string_view text;
        bool vocabulary = false;  // one of the parser's own words
        bool in_a_name = false;   // spelled exactly as some word of some name
    };
    [[nodiscard]] static Span match_form(std::span<const Word> words, const std::vector<bool>& used,
                                         std::size_t begin, const Form& form);
    [[nodiscard]] static double word_quality(const Word& query, const Form& form, std::size_t index,
                                             bool* approximate);
    static Form make_form(std::string_view text, bool whole, bool event,
                          const std::function<bool(std::string_view)>& vocabulary);

    std::vector<Named> named_;
    std::unordered_set<std::string> words_;  // every word of every form
    std::function<bool(std::string_view)> is_vocabulary_;
};

// Confidence below which a matched name is too weak to answer with.
inline constexpr double kMinConfidence = 0.75;

}  // namespace domain::analytics
