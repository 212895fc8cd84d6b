// text::: the one policy for text that reaches Scoreline from outside: which
// bytes are valid UTF-8, which code points are control characters, and which
// are invisible or reorder the text (bidirectional controls, zero-width
// characters, noncharacters). JSON bodies, query parameters and every
// human-readable name are checked with these functions, so a NUL or a
// right-to-left override is refused the same way on every route.
// Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace text {

// What a piece of text may contain beyond printable characters.
enum class Kind {
    kMultiLine,  // free text (a correction's reason): may hold \t, \n and \r
    kLine,       // one line (emails, passwords, tokens, codes): no control character
    kName,       // a name people read (event, team, venue, sport, display name):
                 // one line and no invisible or bidirectional-control character
};

// True when `bytes` is well-formed UTF-8: no overlong forms, no surrogates,
// nothing above U+10FFFF.
[[nodiscard]] bool valid_utf8(std::string_view bytes) noexcept;

// Code points of valid UTF-8 text (as PostgreSQL's char_length counts them).
[[nodiscard]] std::size_t utf8_length(std::string_view text) noexcept;

// C0 controls (NUL included), DEL and the C1 controls (U+0085 included).
[[nodiscard]] bool is_control(char32_t cp) noexcept;

// Characters that change how text around them is shown without being seen:
// bidirectional marks, embeddings, overrides and isolates, zero-width
// characters and joiners, line and paragraph separators, the BOM, invisible
// operators, tag characters and the noncharacters (U+FDD0..U+FDEF, U+xFFFE,
// U+xFFFF).
[[nodiscard]] bool is_invisible_or_bidi(char32_t cp) noexcept;

// Why valid UTF-8 `text` is not acceptable as `kind` ("must not contain
// control characters", ...), or nullopt when it is.
[[nodiscard]] std::optional<std::string> problem(std::string_view text, Kind kind);

}  // namespace text
