// Database errors, classified once by SQLSTATE so callers never look at codes.
// ConnectionLost: drop the connection and reconnect. RetryableError: roll back
// and run the whole transaction again. InsufficientResources: the server lacks
// disk or memory for the statement; the request may succeed later. QueryError:
// the statement is wrong for this data (constraint, syntax) or took too long
// (Timeout); the caller maps it to a response.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace db {

class Error : public std::runtime_error {
  public:
    Error(std::string message, std::string sqlstate)
        : std::runtime_error(std::move(message)), sqlstate_(std::move(sqlstate)) {}
    [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

  private:
    std::string sqlstate_;
};

// The server went away or the connection is unusable (class 08, 57P01..57P03).
class ConnectionLost : public Error {
  public:
    using Error::Error;
};

// Serialization failure (40001) or deadlock (40P01): retry the transaction.
class RetryableError : public Error {
  public:
    using Error::Error;
};

// Everything else the server refused. Carries what the server said about it.
class QueryError : public Error {
  public:
    struct Details {
        std::string constraint;  // constraint name for 23xxx, else empty
        std::string detail;      // server DETAIL line
        int position = 0;        // 1-based character position of the error, 0 if none
    };
    QueryError(std::string message, std::string sqlstate, Details details)
        : Error(std::move(message), std::move(sqlstate)), details_(std::move(details)) {}
    [[nodiscard]] const std::string& constraint() const noexcept { return details_.constraint; }
    [[nodiscard]] const std::string& detail() const noexcept { return details_.detail; }
    [[nodiscard]] int position() const noexcept { return details_.position; }

  private:
    Details details_;
};

// 23505: a unique constraint refused the row (handlers map it to 409).
class UniqueViolation : public QueryError {
  public:
    using QueryError::QueryError;
};

// 23503: a foreign key refused the row.
class ForeignKeyViolation : public QueryError {
  public:
    using QueryError::QueryError;
};

// 57014: statement_timeout or lock_timeout fired.
class Timeout : public QueryError {
  public:
    using QueryError::QueryError;
};

// Class 53 (insufficient resources) except 53300, which only a connection
// attempt gets: out of memory (53200), a configuration limit (53400).
class InsufficientResources : public Error {
  public:
    using Error::Error;
};

// 53100: no space left on the server's disk for a data file or WAL.
class DiskFull : public InsufficientResources {
  public:
    using InsufficientResources::InsufficientResources;
};

// Kinds of SQLSTATE, decided in one place (error.cpp).
enum class ErrorClass {
    kConnection,
    kRetryable,
    kUnique,
    kForeignKey,
    kTimeout,
    kDiskFull,
    kResources,
    kOther
};
[[nodiscard]] ErrorClass classify_sqlstate(std::string_view sqlstate) noexcept;

}  // namespace db
