// The demo data of `make run`, built from real results (football_data.hpp)
// through the same tournament services the API uses, so scores, history,
// standings, audit and outbox are exactly what the routes would have made:
//   - a finished league: the English Premier League 2011/12, every result
//     final (Manchester City win the title on goal difference);
//   - a live league: La Liga 2022/23 after matchday 19, three games of
//     matchday 20 live at their half-time score, the rest to come;
//   - a knockout in progress: the World Cup 2022 from the round of 16, up to
//     the second semi-final, live at half time; the final waits for its winner.
// Everything is loaded in one transaction, only when the database has no
// event at all, so running it again (every `make run`) changes nothing.
#pragma once

#include <string>
#include <vector>

#include "common/caller.hpp"
#include "db/connection.hpp"

namespace demo {

struct DemoResult {
    bool loaded = false;              // false: the database had events already
    std::vector<std::string> events;  // "name (id N, M games)" of each loaded event
};

// `organizer` becomes the organizer of every demo event. Throws on a missing
// or malformed data file (nothing is written then).
[[nodiscard]] DemoResult load_demo(db::Connection& conn, const tournament::Caller& organizer,
                                   const std::string& data_dir);

}  // namespace demo
