// Rendering of problem+json responses.
#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace http {

Response Problem::to_response(const std::string& request_id) const {
    nlohmann::ordered_json body;
    body["type"] = "about:blank";
    body["title"] = reason_phrase(status_);
    body["status"] = status_;
    body["detail"] = detail_;
    body["request_id"] = request_id;
    if (!errors_.empty()) {
        auto& list = body["errors"] = nlohmann::ordered_json::array();
        for (const auto& e : errors_) {
            list.push_back({{"field", e.field}, {"message", e.message}});
        }
    }
    Response r;
    r.status = status_;
    r.headers.emplace_back("Content-Type", "application/problem+json");
    for (const auto& h : headers_) {
        r.headers.push_back(h);
    }
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response internal_error(const std::string& request_id) {
    return Problem(500, "internal error; quote the request id when reporting it")
        .to_response(request_id);
}

}  // namespace http
