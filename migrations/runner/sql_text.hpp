// Lexical helpers over migration SQL for scoreline-migrate: counting the
// statements of a no-transaction file, finding the index a
// CREATE INDEX CONCURRENTLY statement builds, and turning the server's error
// position into line:column. A tokenizer, not a parser; no database access.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migrate {

struct SqlToken {
    enum class Kind { kWord, kQuotedIdent, kLiteral, kSemicolon, kOther };
    Kind kind = Kind::kOther;
    // kWord: the word lower-cased (how PostgreSQL folds an unquoted name);
    // kQuotedIdent: the identifier without quotes, "" unescaped; else raw text.
    std::string text;
};

// Splits SQL into tokens, skipping whitespace, -- and (nested) /* */
// comments; '...' / E'...' strings and $tag$...$tag$ bodies become one
// kLiteral each, so semicolons inside them do not count. Never throws on
// odd input: an unterminated quote simply runs to the end.
[[nodiscard]] std::vector<SqlToken> tokenize_sql(std::string_view sql);

// Number of non-empty statements (separated by top-level semicolons).
[[nodiscard]] int count_statements(std::string_view sql);

// What a CREATE [UNIQUE] INDEX CONCURRENTLY statement builds.
struct IndexTarget {
    std::string index_name;  // as stored in pg_class.relname
    std::string table;       // as written, quotes kept: input for to_regclass()
};

// Result of looking at a no-transaction statement.
struct ConcurrentIndex {
    bool is_create_index_concurrently = false;
    std::optional<IndexTarget> target;  // empty when the statement names no index
};

// Recognizes `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON
// [ONLY] [schema.]table ...` at the start of `sql`.
[[nodiscard]] ConcurrentIndex inspect_concurrent_index(std::string_view sql);

struct TextPosition {
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based, in characters
};

// Maps PostgreSQL's 1-based character position (PG_DIAG_STATEMENT_POSITION,
// counted in characters of the UTF-8 text we sent) to line and column.
// Returns {0, 0} for position <= 0 or past the end.
[[nodiscard]] TextPosition line_column(std::string_view text, int position);

}  // namespace migrate
