// http::Problem: a client-facing error, rendered as application/problem+json
// (RFC 9457) with type, title, status, detail, request_id and, for validation,
// errors[{field, message}]. Handlers throw it; anything else a handler throws
// becomes a 500 whose body says only "internal error" and the request id.
#pragma once

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace http {

struct FieldError {
    std::string field;
    std::string message;
};

class Problem : public std::exception {
  public:
    Problem(int status, std::string detail, std::vector<FieldError> errors = {})
        : status_(status), detail_(std::move(detail)), errors_(std::move(errors)) {}

    // Extra response headers, e.g. Allow for 405 or Retry-After for 429.
    Problem& with_header(std::string name, std::string value) {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    [[nodiscard]] int status() const noexcept { return status_; }
    [[nodiscard]] const std::string& detail() const noexcept { return detail_; }
    [[nodiscard]] const std::vector<FieldError>& errors() const noexcept { return errors_; }
    [[nodiscard]] const char* what() const noexcept override { return detail_.c_str(); }

    // The full response, request id included in the body.
    [[nodiscard]] Response to_response(const std::string& request_id) const;

  private:
    int status_;
    std::string detail_;
    std::vector<FieldError> errors_;
    std::vector<std::pair<std::string, std::string>> headers_;
};

// The body every unexpected failure gets: no detail beyond the request id.
[[nodiscard]] Response internal_error(const std::string& request_id);

}  // namespace http
