// Opaque secrets handed to clients (refresh tokens, password-reset tokens):
// 256 random bits as base64url (43 characters). Only a hash is stored
// (BLAKE2b-256 of the raw bytes), so the database never holds a usable token
// and a lookup by hash leaks nothing about the token through timing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace auth {

struct OpaqueToken {
    std::string text;      // what the client gets
    std::string hash_hex;  // "\x…" bytea literal of the hash, for the database
};

[[nodiscard]] OpaqueToken new_opaque_token();
// The stored form of a token a client presented; nullopt when it cannot be
// one of ours (wrong length or alphabet), so no lookup is needed.
[[nodiscard]] std::optional<std::string> opaque_token_hash(std::string_view text);

}  // namespace auth
