// SQL tokenizer and position mapping for scoreline-migrate (see sql_text.hpp).
#include "sql_text.hpp"

#include <cstddef>

namespace migrate {
namespace {

[[nodiscard]] bool is_word_start(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

[[nodiscard]] bool is_word_char(unsigned char c) noexcept {
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

[[nodiscard]] std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

// Index just past a quoted run that starts at `i` (the opening quote).
// Doubled quotes stay inside; with `backslash` set, \x escapes too.
[[nodiscard]] std::size_t skip_quoted(std::string_view s, std::size_t i, char quote,
                                      bool backslash) {
    for (++i; i < s.size(); ++i) {
        if (backslash && s[i] == '\\') {
            ++i;
        } else if (s[i] == quote) {
            if (i + 1 < s.size() && s[i + 1] == quote) {
                ++i;
            } else {
                return i + 1;
            }
        }
    }
    return s.size();
}

// If a dollar-quote opener ($$ or $tag$) starts at `i`, its length, else 0.
[[nodiscard]] std::size_t dollar_tag_length(std::string_view s, std::size_t i) {
    std::size_t j = i + 1;
    if (j < s.size() && is_word_start(static_cast<unsigned char>(s[j]))) {
        while (j < s.size() && is_word_char(static_cast<unsigned char>(s[j])) && s[j] != '$') {
            ++j;
        }
    }
    return (j < s.size() && s[j] == '$') ? j - i + 1 : 0;
}

// Index just past a /* */ comment starting at `i`; these nest in PostgreSQL.
[[nodiscard]] std::size_t skip_block_comment(std::string_view s, std::size_t i) {
    int depth = 0;
    while (i < s.size()) {
        if (s.compare(i, 2, "/*") == 0) {
            ++depth;
            i += 2;
        } else if (s.compare(i, 2, "*/") == 0) {
            i += 2;
            if (--depth == 0) {
                return i;
            }
        } else {
            ++i;
        }
    }
    return s.size();
}

[[nodiscard]] bool is_word(const std::vector<SqlToken>& t, std::size_t i, std::string_view w) {
    return i < t.size() && t[i].kind == SqlToken::Kind::kWord && t[i].text == w;
}

[[nodiscard]] bool is_name(const std::vector<SqlToken>& t, std::size_t i) {
    return i < t.size() &&
           (t[i].kind == SqlToken::Kind::kWord || t[i].kind == SqlToken::Kind::kQuotedIdent);
}

// The name as it would be written in SQL, for to_regclass().
[[nodiscard]] std::string written_name(const SqlToken& t) {
    if (t.kind == SqlToken::Kind::kWord) {
        return t.text;
    }
    std::string out = "\"";
    for (char c : t.text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace

std::vector<SqlToken> tokenize_sql(std::string_view s) {
    std::vector<SqlToken> out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (s.compare(i, 2, "--") == 0) {
            const auto nl = s.find('\n', i);
            i = nl == std::string_view::npos ? s.size() : nl + 1;
        } else if (s.compare(i, 2, "/*") == 0) {
            i = skip_block_comment(s, i);
        } else if (c == '\'') {
            const std::size_t end = skip_quoted(s, i, '\'', false);
            out.push_back({SqlToken::Kind::kLiteral, std::string(s.substr(i, end - i))});
            i = end;
        } else if ((c == 'e' || c == 'E') && i + 1 < s.size() && s[i + 1] == '\'') {
            const std::size_t end = skip_quoted(s, i + 1, '\'', true);
            out.push_back({SqlToken::Kind::kLiteral, std::string(s.substr(i, end - i))});
            i = end;
        } else if (c == '"') {
            std::string name;
            std::size_t k = i + 1;
            while (k < s.size()) {
                if (s[k] != '"') {
                    name += s[k++];
                } else if (k + 1 < s.size() && s[k + 1] == '"') {
                    name += '"';  // "" stands for one "
                    k += 2;
                } else {
                    ++k;
                    break;
                }
            }
            out.push_back({SqlToken::Kind::kQuotedIdent, std::move(name)});
            i = k;
        } else if (c == '$' && dollar_tag_length(s, i) > 0) {
            const std::size_t len = dollar_tag_length(s, i);
            const std::string_view tag = s.substr(i, len);
            const auto close = s.find(tag, i + len);
            const std::size_t end = close == std::string_view::npos ? s.size() : close + len;
            out.push_back({SqlToken::Kind::kLiteral, std::string(s.substr(i, end - i))});
            i = end;
        } else if (is_word_start(c)) {
            std::size_t j = i + 1;
            while (j < s.size() && is_word_char(static_cast<unsigned char>(s[j]))) {
                ++j;
            }
            out.push_back({SqlToken::Kind::kWord, lower_ascii(s.substr(i, j - i))});
            i = j;
        } else if (c == ';') {
            out.push_back({SqlToken::Kind::kSemicolon, ";"});
            ++i;
        } else {
            out.push_back({SqlToken::Kind::kOther, std::string(1, s[i])});
            ++i;
        }
    }
    return out;
}

int count_statements(std::string_view sql) {
    int statements = 0;
    bool in_statement = false;
    for (const SqlToken& t : tokenize_sql(sql)) {
        if (t.kind == SqlToken::Kind::kSemicolon) {
            in_statement = false;
        } else if (!in_statement) {
            in_statement = true;
            ++statements;
        }
    }
    return statements;
}

ConcurrentIndex inspect_concurrent_index(std::string_view sql) {
    const std::vector<SqlToken> t = tokenize_sql(sql);
    ConcurrentIndex result;
    std::size_t i = 0;
    if (!is_word(t, i++, "create")) {
        return result;
    }
    if (is_word(t, i, "unique")) {
        ++i;
    }
    if (!is_word(t, i++, "index") || !is_word(t, i++, "concurrently")) {
        return result;
    }
    result.is_create_index_concurrently = true;
    if (is_word(t, i, "if") && is_word(t, i + 1, "not") && is_word(t, i + 2, "exists")) {
        i += 3;
    }
    // Without a name (`CREATE INDEX CONCURRENTLY ON t ...`) the server picks
    // one, and we cannot know which; the caller refuses such a file.
    if (!is_name(t, i) || is_word(t, i, "on")) {
        return result;
    }
    IndexTarget target;
    target.index_name = t[i++].text;
    if (!is_word(t, i++, "on")) {
        return result;
    }
    if (is_word(t, i, "only")) {
        ++i;
    }
    if (!is_name(t, i)) {
        return result;
    }
    target.table = written_name(t[i++]);
    while (i + 1 < t.size() && t[i].kind == SqlToken::Kind::kOther && t[i].text == "." &&
           is_name(t, i + 1)) {
        target.table += "." + written_name(t[i + 1]);
        i += 2;
    }
    result.target = std::move(target);
    return result;
}

TextPosition line_column(std::string_view text, int position) {
    if (position <= 0) {
        return {};
    }
    int line = 1;
    int column = 1;
    int chars = 1;  // the 1-based character number of text[i]
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) == 0x80) {
            continue;  // UTF-8 continuation byte: same character
        }
        if (chars == position) {
            return {line, column};
        }
        ++chars;
        if (c == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {};
}

}  // namespace migrate
