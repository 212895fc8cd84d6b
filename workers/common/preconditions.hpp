// Conditional requests on versioned tournament resources (RFC 9110 §13):
// the ETag of a version is the strong tag "N"; If-Match names the version a
// write expects; If-None-Match on a read answers 304 when the tag matches.
// Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tournament {

// "\"7\"" for version 7.
[[nodiscard]] std::string etag_of(std::int64_t version);

struct IfMatch {
    enum class Kind {
        kAbsent,   // no header
        kAny,      // "*": any current version
        kVersion,  // exactly one version, as "N" (a bare N is accepted too)
        kInvalid,  // anything else: a weak tag, a list, text that is no version
    } kind = Kind::kAbsent;
    std::int64_t version = 0;
};

[[nodiscard]] IfMatch parse_if_match(std::optional<std::string_view> header);

// True when If-None-Match is "*" or lists the tag of `version` (weak
// comparison: W/"N" matches too).
[[nodiscard]] bool if_none_match_hits(std::optional<std::string_view> header, std::int64_t version);

// The strong tag of a representation that has no version of its own (the
// live standings): "<prefix>-<32 hex digits of a BLAKE2b hash of content>".
// Never equal to a version's tag.
[[nodiscard]] std::string content_etag(std::string_view prefix, std::string_view content);

// True when If-None-Match is "*" or lists `etag` (weak comparison).
[[nodiscard]] bool if_none_match_lists(std::optional<std::string_view> header,
                                       std::string_view etag);

}  // namespace tournament
