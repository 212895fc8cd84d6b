// Base64url without padding (RFC 4648 §5), as JWTs and our opaque tokens use
// it. Decoding is strict: only A-Z a-z 0-9 - _, no padding, no whitespace,
// and the unused low bits of the last character must be zero, so every byte
// string has exactly one accepted encoding. Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auth {

[[nodiscard]] std::string base64url_encode(std::string_view bytes);
// nullopt for anything that is not the canonical encoding of some bytes.
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace auth
