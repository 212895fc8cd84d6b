// Password hashing with Argon2id through libsodium (crypto_pwhash_str_alg).
// The cost comes from config; a stored hash made with other parameters is
// reported by needs_rehash() so login can upgrade it. The dummy hash lets a
// login for an unknown email spend the same time as one for a known email.
// Stateless apart from the parameters; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace auth {

struct PasswordCost {
    std::uint64_t opslimit = 2;              // Argon2 passes
    std::size_t memlimit_bytes = 64u << 20;  // Argon2 memory
};

class PasswordHasher {
  public:
    // Throws std::invalid_argument when libsodium's Argon2id bounds refuse the cost.
    explicit PasswordHasher(PasswordCost cost);

    // The "$argon2id$v=19$m=…,t=…,p=1$salt$hash" string; throws
    // std::runtime_error when libsodium cannot allocate the memory.
    [[nodiscard]] std::string hash(std::string_view password) const;
    // Constant-time in the stored hash (libsodium); false for a malformed hash.
    [[nodiscard]] bool verify(std::string_view stored_hash, std::string_view password) const;
    // True when the stored hash uses other parameters (or another algorithm).
    [[nodiscard]] bool needs_rehash(std::string_view stored_hash) const;
    // A hash of a random password with the current cost, made once.
    [[nodiscard]] const std::string& dummy_hash() const noexcept { return dummy_; }
    [[nodiscard]] const PasswordCost& cost() const noexcept { return cost_; }

  private:
    PasswordCost cost_;
    std::string dummy_;
};

}  // namespace auth
