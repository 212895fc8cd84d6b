// SQLSTATE classification: the one place that knows PostgreSQL error codes.
#include "db/error.hpp"

namespace db {

ErrorClass classify_sqlstate(std::string_view s) noexcept {
    if (s.size() != 5) {
        // libpq reports client-side failures (lost socket) without a SQLSTATE.
        return ErrorClass::kConnection;
    }
    if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "53300") {
        return ErrorClass::kConnection;
    }
    if (s == "40001" || s == "40P01") {
        return ErrorClass::kRetryable;
    }
    if (s == "23505") {
        return ErrorClass::kUnique;
    }
    if (s == "23503") {
        return ErrorClass::kForeignKey;
    }
    if (s == "57014" || s == "55P03") {
        return ErrorClass::kTimeout;
    }
    if (s == "53100") {
        return ErrorClass::kDiskFull;
    }
    if (s.starts_with("53")) {
        return ErrorClass::kResources;  // 53300 matched kConnection above
    }
    return ErrorClass::kOther;
}

}  // namespace db
