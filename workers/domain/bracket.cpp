// Single-elimination brackets: seeding order, construction with byes, winner
// placement and the downstream plan of a changed winner (see bracket.hpp).
#include "domain/bracket.hpp"

#include <stdexcept>
#include <unordered_map>
#include <variant>

#include "domain/status_rules.hpp"

namespace domain {

std::size_t bracket_size(std::size_t count) noexcept {
    std::size_t size = 1;
    while (size < count) {
        size *= 2;
    }
    return size;
}

// Doubling: every seed s of the order for size/2 is followed by its
// first-round opponent size + 1 - s.
std::vector<int> standard_seed_order(std::size_t size) {
    if (size < 2 || (size & (size - 1)) != 0) {
        throw std::invalid_argument("bracket size must be a power of two >= 2");
    }
    std::vector<int> order{1};
    for (std::size_t n = 2; n <= size; n *= 2) {
        std::vector<int> next;
        next.reserve(n);
        for (int seed : order) {
            next.push_back(seed);
            next.push_back(static_cast<int>(n) + 1 - seed);
        }
        order = std::move(next);
    }
    return order;
}

namespace {

// What fills one side of a bracket position: a team already known (a bye
// winner) or the winner of a game (its index).
using Source = std::variant<TeamId, std::size_t>;

void fill_side(std::vector<ScheduledGame>& games, std::size_t game, Slot slot,
               const Source& source) {
    ScheduledGame& g = games[game];
    auto& team = slot == Slot::kHome ? g.home : g.away;
    auto& from = slot == Slot::kHome ? g.home_from : g.away_from;
    if (const auto* id = std::get_if<TeamId>(&source)) {
        team = *id;
    } else {
        const std::size_t feeder = std::get<std::size_t>(source);
        from = feeder;
        games[feeder].winner_to = NextGame{game, slot};
    }
}

}  // namespace

Bracket build_bracket(std::span<const Team> seeded) {
    if (seeded.size() < 2) {
        throw std::invalid_argument("a bracket needs at least 2 teams");
    }
    const std::size_t size = bracket_size(seeded.size());
    const std::vector<int> order = standard_seed_order(size);
    Bracket out;
    std::vector<Source> sources;  // one per position of the current round
    for (std::size_t i = 0; i < order.size(); i += 2) {
        // order[i] is the better seed of the pair and is always a real team,
        // because more than size / 2 teams take part.
        const auto top = static_cast<std::size_t>(order[i]);
        const auto bottom = static_cast<std::size_t>(order[i + 1]);
        if (bottom > seeded.size()) {
            out.byes.push_back({1, seeded[top - 1].id});
            sources.emplace_back(seeded[top - 1].id);
            continue;
        }
        ScheduledGame game;
        game.round = 1;
        game.home = seeded[top - 1].id;
        game.away = seeded[bottom - 1].id;
        sources.emplace_back(out.games.size());
        out.games.push_back(std::move(game));
    }
    out.rounds = 1;
    while (sources.size() > 1) {
        ++out.rounds;
        std::vector<Source> next;
        for (std::size_t j = 0; j < sources.size(); j += 2) {
            const std::size_t index = out.games.size();
            ScheduledGame game;
            game.round = out.rounds;
            out.games.push_back(std::move(game));
            fill_side(out.games, index, Slot::kHome, sources[j]);
            fill_side(out.games, index, Slot::kAway, sources[j + 1]);
            next.emplace_back(index);
        }
        sources = std::move(next);
    }
    return out;
}

std::optional<Placement> place_winner(const BracketGame& game, TeamId winner) {
    if (winner != game.home && winner != game.away) {
        throw std::invalid_argument("the winner must be one of the game's teams");
    }
    if (!game.next_game) {
        return std::nullopt;
    }
    return Placement{*game.next_game, game.next_slot, winner};
}

std::vector<GameId> WinnerChangePlan::games_to_reset() const {
    std::vector<GameId> ids;
    for (const SlotChange& change : changes) {
        if (change.reset_result) {
            ids.push_back(change.game);
        }
    }
    return ids;
}

WinnerChangePlan plan_winner_change(std::span<const BracketGame> bracket, GameId corrected,
                                    TeamId old_winner, TeamId new_winner) {
    std::unordered_map<GameId, const BracketGame*> by_id;
    for (const BracketGame& game : bracket) {
        by_id.emplace(game.id, &game);
    }
    auto find = [&](GameId id) -> const BracketGame& {
        const auto it = by_id.find(id);
        if (it == by_id.end()) {
            throw std::invalid_argument("bracket game not found");
        }
        return *it->second;
    };

    WinnerChangePlan plan;
    if (old_winner == new_winner) {
        return plan;
    }
    const BracketGame* current = &find(corrected);
    std::optional<TeamId> placed = new_winner;
    while (current->next_game) {
        if (plan.changes.size() > bracket.size()) {
            throw std::invalid_argument("bracket chain loops");
        }
        const BracketGame& next = find(*current->next_game);
        const Slot slot = current->next_slot;
        const bool had_result = has_result(next.status);
        plan.changes.push_back(
            {next.id, slot, slot == Slot::kHome ? next.home : next.away, placed, had_result});
        // Only a decided game has put a team further down the bracket.
        if (!had_result || !next.winner) {
            break;
        }
        placed = std::nullopt;
        current = &next;
    }
    return plan;
}

}  // namespace domain
