// domain::Refusal: the one language in which services and repositories say
// "no" to a caller — not found, forbidden, conflict, a stale version (with the
// current one), invalid fields, too many attempts, unavailable, not signed in.
// It knows nothing of HTTP: the handler layer maps every refusal to its
// problem+json answer in one function (handlers/refusal_response.cpp). Pure;
// any thread.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace domain {

// One refused input field and why.
struct FieldError {
    std::string field;
    std::string message;
};

class Refusal : public std::exception {
  public:
    enum class Kind {
        kUnauthenticated,  // no principal, or its credentials are refused
        kForbidden,        // the principal may not do this
        kNotFound,         // no such thing (or one the caller may not know of)
        kConflict,         // the current state forbids it
        kStaleVersion,     // the caller's version is not the current one
        kInvalidFields,    // the input is refused; fields() says where
        kTooMany,          // too many attempts; retry_after_s() says when to try again
        kUnavailable,      // cannot be done now; retry_after_s() says when to try again
    };
    // For kUnauthenticated: what was missing or refused.
    enum class Credentials {
        kNone,          // no credentials were presented and they are needed
        kInvalidToken,  // an access token was presented and is refused
        kBadSecret,     // a password or refresh token was presented and is refused
    };

    [[nodiscard]] static Refusal unauthenticated(Credentials credentials, std::string detail) {
        Refusal r(Kind::kUnauthenticated, std::move(detail));
        r.credentials_ = credentials;
        return r;
    }
    [[nodiscard]] static Refusal forbidden(std::string detail) {
        return Refusal(Kind::kForbidden, std::move(detail));
    }
    [[nodiscard]] static Refusal not_found(std::string detail) {
        return Refusal(Kind::kNotFound, std::move(detail));
    }
    [[nodiscard]] static Refusal conflict(std::string detail, std::vector<FieldError> fields = {}) {
        Refusal r(Kind::kConflict, std::move(detail));
        r.fields_ = std::move(fields);
        return r;
    }
    // `current`: the version the thing is at now, when it is known.
    [[nodiscard]] static Refusal stale_version(std::string detail,
                                               std::optional<std::int64_t> current) {
        Refusal r(Kind::kStaleVersion, std::move(detail));
        r.current_version_ = current;
        return r;
    }
    [[nodiscard]] static Refusal invalid_fields(std::string detail,
                                                std::vector<FieldError> fields) {
        Refusal r(Kind::kInvalidFields, std::move(detail));
        r.fields_ = std::move(fields);
        return r;
    }
    [[nodiscard]] static Refusal too_many(std::string detail, std::int64_t retry_after_s) {
        Refusal r(Kind::kTooMany, std::move(detail));
        r.retry_after_s_ = retry_after_s;
        return r;
    }
    [[nodiscard]] static Refusal unavailable(std::string detail, std::int64_t retry_after_s) {
        Refusal r(Kind::kUnavailable, std::move(detail));
        r.retry_after_s_ = retry_after_s;
        return r;
    }

    [[nodiscard]] Kind kind() const noexcept { return kind_; }
    // A sentence for the caller; never internal detail (SQL, stack, secrets).
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
    [[nodiscard]] const std::vector<FieldError>& fields() const noexcept { return fields_; }
    [[nodiscard]] Credentials credentials() const noexcept { return credentials_; }
    [[nodiscard]] std::optional<std::int64_t> current_version() const noexcept {
        return current_version_;
    }
    [[nodiscard]] std::int64_t retry_after_s() const noexcept { return retry_after_s_; }
    [[nodiscard]] const char* what() const noexcept override { return detail_.c_str(); }

  private:
    Refusal(Kind kind, std::string detail) : kind_(kind), detail_(std::move(detail)) {}

    Kind kind_;
    std::string detail_;
    std::vector<FieldError> fields_;
    Credentials credentials_ = Credentials::kNone;
    std::optional<std::int64_t> current_version_;
    std::int64_t retry_after_s_ = 0;
};

}  // namespace domain
