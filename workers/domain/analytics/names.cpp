// Name matching of the analytics parser; see names.hpp.
#include "domain/analytics/names.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace domain::analytics {
namespace {

// Naming conventions of clubs and competitions, not clubs: a name's words that
// may be left out and never name anything alone.
constexpr std::array<std::string_view, 25> kGenericTeamWords{
    "fc",  "afc", "cf", "club", "de",  "del",      "la",     "el",       "los",
    "las", "the", "of", "and",  "y",   "football", "futbol", "balompie", "sc",
    "ac",  "cd",  "ud", "rc",   "rcd", "ca",       "sd",
};
constexpr std::array<std::string_view, 10> kGenericEventWords{
    "league", "liga", "cup", "season", "the", "de", "of", "la", "and", "championship",
};

bool contains(std::span<const std::string_view> list, std::string_view word) {
    return std::find(list.begin(), list.end(), word) != list.end();
}

// A season or a year ("2022/23", "2022") is shared by every event of it.
bool is_season(std::string_view word) {
    return !word.empty() && word.front() >= '0' && word.front() <= '9';
}

constexpr double kExact = 1.0;
constexpr double kPrefix = 0.85;
constexpr double kTypo = 0.85;
constexpr double kAbbreviation = 0.8;
constexpr double kTwoTypos = 0.7;
constexpr double kPartOfName = 0.95;        // a full name's words, not all of its distinctive ones
constexpr double kCloseCandidates = 0.075;  // nearer than this: ambiguous

}  // namespace

NameIndex::Form NameIndex::make_form(std::string_view text, bool whole, bool event,
                                     const std::function<bool(std::string_view)>& vocabulary) {
    Form form;
    form.whole = whole;
    for (Token& token : tokenize(text, 32, nullptr)) {
        const bool generic =
            event ? (contains(kGenericEventWords, token.text) || is_season(token.text))
                  : contains(kGenericTeamWords, token.text);
        // Short words and the parser's own words never name anything alone
        // (a slug's "espa-a" leaves an "a").
        form.generic.push_back(generic || token.text.size() < 3 || vocabulary(token.text));
        form.words.push_back(std::move(token.text));
    }
    return form;
}

NameIndex NameIndex::of_events(const Catalogue& catalogue,
                               std::function<bool(std::string_view)> is_vocabulary) {
    NameIndex index;
    index.is_vocabulary_ = std::move(is_vocabulary);
    for (const CatalogueEvent& event : catalogue.events) {
        Named named{Entity{EntityKind::kEvent, event.id, event.id, event.name, "", 0}, {}};
        named.forms.push_back(make_form(event.name, false, true, index.is_vocabulary_));
        if (!event.slug.empty()) {
            named.forms.push_back(make_form(event.slug, false, true, index.is_vocabulary_));
        }
        for (const Form& form : named.forms) {
            index.words_.insert(form.words.begin(), form.words.end());
        }
        index.named_.push_back(std::move(named));
    }
    return index;
}

NameIndex NameIndex::of_teams(const Catalogue& catalogue, const std::int64_t* event_id,
                              std::function<bool(std::string_view)> is_vocabulary) {
    NameIndex index;
    index.is_vocabulary_ = std::move(is_vocabulary);
    for (const CatalogueTeam& team : catalogue.teams) {
        if (event_id != nullptr && team.event_id != *event_id) {
            continue;
        }
        Named named{Entity{EntityKind::kTeam, team.id, team.event_id, team.name, "", 0}, {}};
        named.forms.push_back(make_form(team.name, false, false, index.is_vocabulary_));
        if (team.short_name && !team.short_name->empty()) {
            named.forms.push_back(make_form(*team.short_name, true, false, index.is_vocabulary_));
        }
        for (const std::string& alias : team.aliases) {
            named.forms.push_back(make_form(alias, true, false, index.is_vocabulary_));
        }
        for (const Form& form : named.forms) {
            index.words_.insert(form.words.begin(), form.words.end());
        }
        index.named_.push_back(std::move(named));
    }
    return index;
}

bool NameIndex::has_word(std::string_view word) const {
    return words_.contains(std::string(word));
}

double NameIndex::word_quality(const Word& q, const Form& form, std::size_t index,
                               bool* approximate) {
    const std::string_view query = q.text;
    const std::string& word = form.words[index];
    *approximate = false;
    if (query == word) {
        return kExact;
    }
    // Generic words, digits and the parser's own words match only exactly.
    if (form.generic[index] || contains(kGenericTeamWords, query) ||
        (query.front() >= '0' && query.front() <= '9') || q.vocabulary) {
        return 0;
    }
    if (query.size() >= 3 && word.size() > query.size() && word.starts_with(query)) {
        *approximate = true;
        return kPrefix;
    }
    // A typo only where the word is no name's exact word ("atletico" is not
    // "athletic" with two typos when a team is called Atletico).
    if (query.size() >= 5 && !q.in_a_name) {
        const std::size_t bound = query.size() >= 8 ? 2 : 1;
        const std::size_t distance = edit_distance(query, word, bound);
        if (distance == 1) {
            return kTypo;
        }
        if (distance == 2 && bound == 2) {
            return kTwoTypos;
        }
    }
    if (query.size() >= 3 && word.size() > query.size() && is_abbreviation(query, word)) {
        *approximate = true;
        return kAbbreviation;
    }
    return 0;
}

NameIndex::Span NameIndex::match_form(std::span<const Word> tokens, const std::vector<bool>& used,
                                      std::size_t begin, const Form& form) {
    Span best;
    std::size_t next_word = 0;
    std::size_t distinctive = 0;
    std::size_t approximate_count = 0;
    double quality = 1.0;
    std::vector<bool> covered(form.words.size(), false);
    for (std::size_t j = begin; j < tokens.size() && !used[j]; ++j) {
        double q = 0;
        bool approximate = false;
        std::size_t k = next_word;
        for (; k < form.words.size(); ++k) {
            q = word_quality(tokens[j], form, k, &approximate);
            if (q > 0) {
                break;
            }
        }
        if (q <= 0) {
            break;
        }
        covered[k] = true;
        next_word = k + 1;
        quality = std::min(quality, q);
        if (!form.generic[k]) {
            ++distinctive;
        }
        if (approximate) {
            ++approximate_count;
        }
        // Prefixes and abbreviations only among two or more distinctive words.
        if (distinctive == 0 || (approximate_count > 0 && distinctive < 2)) {
            continue;
        }
        bool all_distinctive = true;
        for (std::size_t w = 0; w < form.words.size(); ++w) {
            if (!form.generic[w] && !covered[w]) {
                all_distinctive = false;
            }
        }
        if (form.whole && !all_distinctive) {
            continue;
        }
        best = Span{j + 1, all_distinctive ? quality : quality * kPartOfName};
    }
    return best;
}

std::vector<NameMatch> NameIndex::find(std::span<const Token> tokens,
                                       std::vector<bool>& used) const {
    std::vector<NameMatch> found;
    std::vector<Word> words;
    words.reserve(tokens.size());
    for (const Token& token : tokens) {
        words.push_back(Word{token.text, is_vocabulary_(token.text), has_word(token.text)});
    }
    std::size_t i = 0;
    while (i < tokens.size()) {
        if (used[i]) {
            ++i;
            continue;
        }
        std::vector<std::pair<Span, const Named*>> spans;
        std::size_t longest = 0;
        for (const Named& named : named_) {
            Span best;
            for (const Form& form : named.forms) {
                const Span span = match_form(words, used, i, form);
                if (span.end > best.end ||
                    (span.end == best.end && span.confidence > best.confidence)) {
                    best = span;
                }
            }
            if (best.end > i) {
                spans.emplace_back(best, &named);
                longest = std::max(longest, best.end);
            }
        }
        if (spans.empty()) {
            ++i;
            continue;
        }
        NameMatch match{i, longest, {}};
        std::string text;
        for (std::size_t j = i; j < longest; ++j) {
            text += (j > i ? " " : "") + tokens[j].text;
        }
        for (const auto& [span, named] : spans) {
            if (span.end == longest) {
                Entity entity = named->entity;
                entity.matched_text = text;
                entity.confidence = span.confidence;
                match.candidates.push_back(std::move(entity));
            }
        }
        std::stable_sort(
            match.candidates.begin(), match.candidates.end(),
            [](const Entity& a, const Entity& b) { return a.confidence > b.confidence; });
        // Keep only the candidates about as good as the best one.
        const double best = match.candidates.front().confidence;
        std::erase_if(match.candidates,
                      [best](const Entity& e) { return e.confidence < best - kCloseCandidates; });
        for (std::size_t j = i; j < longest; ++j) {
            used[j] = true;
        }
        found.push_back(std::move(match));
        i = longest;
    }
    return found;
}

}  // namespace domain::analytics
