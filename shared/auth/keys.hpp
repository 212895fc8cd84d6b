// Ed25519 keys for access tokens: one signing key and any number of
// verification keys, each named by a key id (`kid`). Keys are read once at
// start from PEM files (as `openssl genpkey -algorithm ed25519` writes them)
// named in config; loading errors are config::Error naming the setting.
// Signing and verification go through libsodium. A KeyRing is immutable after
// start and may be read from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace auth {

inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;

using PublicKey = std::array<unsigned char, kPublicKeyBytes>;
using Signature = std::array<unsigned char, kSignatureBytes>;

// 1-64 characters of A-Z a-z 0-9 . _ -
[[nodiscard]] bool valid_kid(std::string_view kid) noexcept;

// The private half: libsodium's 64-byte secret key, wiped on destruction.
class SigningKey {
  public:
    // Throws std::invalid_argument for an invalid kid.
    [[nodiscard]] static SigningKey from_seed(std::string kid,
                                              const std::array<unsigned char, kSeedBytes>& seed);
    SigningKey(const SigningKey& other) = default;
    SigningKey& operator=(const SigningKey& other) = default;
    ~SigningKey();

    [[nodiscard]] const std::string& kid() const noexcept { return kid_; }
    [[nodiscard]] const PublicKey& public_key() const noexcept { return pk_; }
    [[nodiscard]] Signature sign(std::string_view message) const;

  private:
    SigningKey() = default;
    std::string kid_;
    std::array<unsigned char, 64> sk_{};
    PublicKey pk_{};
};

// Ed25519 verification of a detached signature; false for any mismatch.
[[nodiscard]] bool verify_signature(const PublicKey& key, std::string_view message,
                                    std::string_view signature) noexcept;

class KeyRing {
  public:
    // The signing key's public half becomes a verification key too.
    // Throws std::invalid_argument when the kid already names another key.
    void set_signing_key(SigningKey key);
    void add_verify_key(const std::string& kid, const PublicKey& key);

    [[nodiscard]] const SigningKey* signing_key() const noexcept {
        return signing_ ? &*signing_ : nullptr;
    }
    [[nodiscard]] const PublicKey* find(std::string_view kid) const;
    [[nodiscard]] std::vector<std::string> kids() const;

  private:
    std::optional<SigningKey> signing_;
    std::map<std::string, PublicKey, std::less<>> verify_;
};

// "kid:/path/key.pem" → the signing key in that PEM file (PKCS#8 Ed25519).
// Refuses a private key file that every user may read.
[[nodiscard]] SigningKey load_signing_key(std::string_view setting, std::string_view spec);
// "kid1:/a.pub.pem,kid2:/b.pem" → public keys; a file may hold a public key
// (SubjectPublicKeyInfo) or a private key, whose public half is used.
[[nodiscard]] std::vector<std::pair<std::string, PublicKey>> load_verify_keys(
    std::string_view setting, std::string_view spec);

}  // namespace auth
