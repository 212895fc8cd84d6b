// POST /api/v1/analytics/ask (issue 16, docs/analytics.md): a question in
// plain words about an event -> the parser's reading (domain/analytics), one
// named query picked by the intent, and the answer computed here from its
// rows: {interpretation, columns, rows, answer}; or the parser's refusal.
// At most three queries per question (the catalogue, at most one more for
// the event named in the question, the rows), none per row. Nothing here
// throws for any question text; the caller sees only events it may read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "common/caller.hpp"
#include "db/connection.hpp"
#include "domain/analytics/question.hpp"

namespace tournament {

struct AskInput {
    std::string question;
    std::optional<std::int64_t> event_id;
};

// The answer's JSON, or why the question was not understood (with three
// suggestions).
using AskResult = std::variant<nlohmann::json, domain::analytics::Decline>;

[[nodiscard]] AskResult ask(db::Connection& conn, const Caller& caller, const AskInput& input);

// The JSON of a refusal's "understood": entities, intent candidates, unused words.
[[nodiscard]] nlohmann::json understood_json(const domain::analytics::Decline& decline);

}  // namespace tournament
