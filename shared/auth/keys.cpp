// Ed25519 keys: PEM loading through OpenSSL, signing and verification through
// libsodium; see keys.hpp.
#include "auth/keys.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "config.hpp"

namespace auth {
namespace {

struct PkeyDeleter {
    void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Never prompt for a passphrase: an encrypted key file is an error here.
int no_passphrase(char*, int, int, void*) {
    return 0;
}

[[noreturn]] void fail(std::string_view setting, const std::string& message) {
    throw config::Error(std::string(setting) + ": " + message);
}

std::string read_whole_file(std::string_view setting, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail(setting, "cannot read key file '" + path + "'");
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Parses the PEM text as a private key (want_private) or a public key.
PkeyPtr parse_pem(std::string& pem, bool want_private) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio) {
        return nullptr;
    }
    EVP_PKEY* key = want_private
                        ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                        : PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
    return PkeyPtr(key);
}

struct Spec {
    std::string kid;
    std::string path;
};

std::vector<Spec> parse_specs(std::string_view setting, std::string_view text) {
    std::vector<Spec> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        const auto colon = item.find(':');
        if (colon == std::string_view::npos || !valid_kid(item.substr(0, colon)) ||
            item.size() == colon + 1 || item[colon + 1] != '/') {
            fail(setting,
                 "expected KID:/absolute/path.pem[,KID:/path...] with KID of 1-64 "
                 "characters A-Z a-z 0-9 . _ -, got '" +
                     std::string(item) + "'");
        }
        out.push_back({std::string(item.substr(0, colon)), std::string(item.substr(colon + 1))});
    }
    if (out.empty()) {
        fail(setting, "expected KID:/absolute/path.pem");
    }
    return out;
}

}  // namespace

bool valid_kid(std::string_view kid) noexcept {
    if (kid.empty() || kid.size() > 64) {
        return false;
    }
    for (char c : kid) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

SigningKey SigningKey::from_seed(std::string kid,
                                 const std::array<unsigned char, kSeedBytes>& seed) {
    if (!valid_kid(kid)) {
        throw std::invalid_argument("invalid key id");
    }
    SigningKey key;
    key.kid_ = std::move(kid);
    crypto_sign_seed_keypair(key.pk_.data(), key.sk_.data(), seed.data());
    return key;
}

SigningKey::~SigningKey() {
    sodium_memzero(sk_.data(), sk_.size());
}

Signature SigningKey::sign(std::string_view message) const {
    Signature sig{};
    crypto_sign_detached(sig.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         sk_.data());
    return sig;
}

bool verify_signature(const PublicKey& key, std::string_view message,
                      std::string_view signature) noexcept {
    if (signature.size() != kSignatureBytes) {
        return false;
    }
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), key.data()) == 0;
}

void KeyRing::set_signing_key(SigningKey key) {
    add_verify_key(key.kid(), key.public_key());
    signing_.emplace(std::move(key));
}

void KeyRing::add_verify_key(const std::string& kid, const PublicKey& key) {
    auto [it, inserted] = verify_.emplace(kid, key);
    if (!inserted && it->second != key) {
        throw std::invalid_argument("key id '" + kid + "' names two different keys");
    }
}

const PublicKey* KeyRing::find(std::string_view kid) const {
    auto it = verify_.find(kid);
    return it == verify_.end() ? nullptr : &it->second;
}

std::vector<std::string> KeyRing::kids() const {
    std::vector<std::string> out;
    for (const auto& [kid, key] : verify_) {
        out.push_back(kid);
    }
    return out;
}

SigningKey load_signing_key(std::string_view setting, std::string_view spec) {
    const auto specs = parse_specs(setting, spec);
    if (specs.size() != 1) {
        fail(setting, "names exactly one KID:/path (the signing key)");
    }
    const Spec& s = specs.front();
    struct stat st {};
    if (::stat(s.path.c_str(), &st) == 0 && (st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        fail(setting,
             "the private key file '" + s.path + "' is accessible to every user; chmod 600 it");
    }
    std::string pem = read_whole_file(setting, s.path);
    PkeyPtr key = parse_pem(pem, true);
    OPENSSL_cleanse(pem.data(), pem.size());
    if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
        fail(setting, "'" + s.path +
                          "' is not an unencrypted Ed25519 private key in PEM "
                          "(make one with: openssl genpkey -algorithm ed25519)");
    }
    std::array<unsigned char, kSeedBytes> seed{};
    size_t len = seed.size();
    if (EVP_PKEY_get_raw_private_key(key.get(), seed.data(), &len) != 1 || len != seed.size()) {
        fail(setting, "cannot read the Ed25519 key in '" + s.path + "'");
    }
    SigningKey out = SigningKey::from_seed(s.kid, seed);
    sodium_memzero(seed.data(), seed.size());
    return out;
}

std::vector<std::pair<std::string, PublicKey>> load_verify_keys(std::string_view setting,
                                                                std::string_view spec) {
    std::vector<std::pair<std::string, PublicKey>> out;
    for (const Spec& s : parse_specs(setting, spec)) {
        std::string pem = read_whole_file(setting, s.path);
        PkeyPtr key = parse_pem(pem, false);
        if (!key) {
            key = parse_pem(pem, true);
        }
        OPENSSL_cleanse(pem.data(), pem.size());
        PublicKey pk{};
        size_t len = pk.size();
        if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519 ||
            EVP_PKEY_get_raw_public_key(key.get(), pk.data(), &len) != 1 || len != pk.size()) {
            fail(setting, "'" + s.path + "' is not an Ed25519 public or private key in PEM");
        }
        for (const auto& [kid, existing] : out) {
            if (kid == s.kid) {
                fail(setting, "key id '" + s.kid + "' is listed twice");
            }
        }
        out.emplace_back(s.kid, pk);
    }
    return out;
}

}  // namespace auth
