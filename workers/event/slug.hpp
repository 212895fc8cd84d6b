// Event slugs: the URL-safe name of an event, as events.slug's check wants it
// (^[a-z0-9]+(-[a-z0-9]+)*$, at most 120 characters). Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace tournament {

inline constexpr std::size_t kMaxSlugBase = 100;  // leaves room for a "-N" suffix

// "Premier League 2011/12" -> "premier-league-2011-12". ASCII letters and
// digits are kept (lower-cased), every other run of bytes becomes one '-';
// "event" when nothing is left. At most kMaxSlugBase characters.
[[nodiscard]] std::string slugify(std::string_view name);

// True when `slug` satisfies events.slug's check.
[[nodiscard]] bool is_valid_slug(std::string_view slug) noexcept;

}  // namespace tournament
