// Argon2id password hashing; see password.hpp.
#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

namespace auth {

PasswordHasher::PasswordHasher(PasswordCost cost) : cost_(cost) {
    if (cost.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        cost.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
        cost.memlimit_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        cost.memlimit_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
        throw std::invalid_argument("Argon2id cost out of libsodium's bounds");
    }
    unsigned char random[32];
    randombytes_buf(random, sizeof random);
    dummy_ = hash(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
    sodium_memzero(random, sizeof random);
}

std::string PasswordHasher::hash(std::string_view password) const {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost_.opslimit,
                              cost_.memlimit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("crypto_pwhash_str_alg failed (out of memory?)");
    }
    return std::string(out);
}

bool PasswordHasher::verify(std::string_view stored_hash, std::string_view password) const {
    // libsodium wants a terminated string of at most STRBYTES - 1 characters.
    if (stored_hash.size() >= crypto_pwhash_STRBYTES) {
        return false;
    }
    const std::string terminated(stored_hash);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(std::string_view stored_hash) const {
    if (stored_hash.size() >= crypto_pwhash_STRBYTES) {
        return true;
    }
    const std::string terminated(stored_hash);
    // 1: other parameters; -1: not an Argon2id string at all. Both mean rehash.
    return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), cost_.opslimit,
                                                   cost_.memlimit_bytes) != 0;
}

}  // namespace auth
