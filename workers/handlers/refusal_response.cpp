// Domain refusals as problem+json; see refusal_response.hpp.
#include "handlers/refusal_response.hpp"

#include <string>
#include <vector>

#include "common/preconditions.hpp"

namespace api {
namespace {

std::vector<http::FieldError> field_errors(const std::vector<domain::FieldError>& fields) {
    std::vector<http::FieldError> out;
    out.reserve(fields.size());
    for (const auto& f : fields) {
        out.push_back({f.field, f.message});
    }
    return out;
}

http::Problem unauthenticated(const domain::Refusal& r) {
    http::Problem p(401, r.detail());
    switch (r.credentials()) {
        case domain::Refusal::Credentials::kNone:
            p.with_header("WWW-Authenticate", "Bearer realm=\"scoreline\"");
            break;
        case domain::Refusal::Credentials::kInvalidToken:
            p.with_header("WWW-Authenticate",
                          "Bearer realm=\"scoreline\", error=\"invalid_token\"");
            break;
        case domain::Refusal::Credentials::kBadSecret:
            break;  // a password or refresh token: no Bearer challenge applies
    }
    return p;
}

}  // namespace

http::Problem to_problem(const domain::Refusal& r) {
    using Kind = domain::Refusal::Kind;
    switch (r.kind()) {
        case Kind::kUnauthenticated:
            return unauthenticated(r);
        case Kind::kForbidden:
            return http::Problem(403, r.detail());
        case Kind::kNotFound:
            return http::Problem(404, r.detail());
        case Kind::kConflict:
            return http::Problem(409, r.detail(), field_errors(r.fields()));
        case Kind::kStaleVersion: {
            http::Problem p(412, r.detail());
            if (const auto current = r.current_version()) {
                p.with_header("ETag", tournament::etag_of(*current));
            }
            return p;
        }
        case Kind::kInvalidFields:
            return http::Problem(422, r.detail(), field_errors(r.fields()));
        case Kind::kTooMany:
            return http::Problem(429, r.detail())
                .with_header("Retry-After", std::to_string(r.retry_after_s()));
        case Kind::kUnavailable:
            return http::Problem(503, r.detail())
                .with_header("Retry-After", std::to_string(r.retry_after_s()));
    }
    return http::Problem(500, "internal error; quote the request id when reporting it");
}

}  // namespace api
