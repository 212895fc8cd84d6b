// What the tournament handlers (events, teams, members, games, scores,
// standings, export) share: the caller of a request, path ids, list paging
// parameters, If-Match / ETag handling and JSON responses. Handler-side only;
// the services below never see a request.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/caller.hpp"
#include "context.hpp"
#include "event/event_service.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"

namespace api {

// Authenticates the Bearer token if one was sent (401 for a bad one) and
// returns the caller with the request's origin.
[[nodiscard]] tournament::Caller caller_of(Context& ctx);

// A positive integer path parameter; 404 for anything else (no such resource).
[[nodiscard]] std::int64_t id_param(const Context& ctx, const std::string& name);

// Query parameters, with their errors collected for one 422.
class QueryReader {
  public:
    explicit QueryReader(const http::Request& req) : req_(req) {}
    [[nodiscard]] std::optional<std::string> text(const char* name, std::size_t max_chars);
    [[nodiscard]] std::optional<std::int64_t> integer(const char* name, std::int64_t min,
                                                      std::int64_t max);
    // One of `allowed`.
    [[nodiscard]] std::optional<std::string> choice(const char* name,
                                                    std::initializer_list<const char*> allowed);
    [[nodiscard]] std::optional<std::string> date(const char* name);  // YYYY-MM-DD
    // An event slug (lower-case letters and digits joined by single '-').
    [[nodiscard]] std::optional<std::string> slug(const char* name);
    [[nodiscard]] std::optional<std::string> instant(const char* name);  // -> UTC ISO-8601
    // `limit` (1-200, default 50).
    [[nodiscard]] int limit();
    [[nodiscard]] std::optional<std::string> cursor() { return text("cursor", 200); }
    // Throws one 422 listing every bad parameter.
    void finish() const;

  private:
    const http::Request& req_;
    std::vector<http::FieldError> errors_;
};

// The version If-Match names. With `required`, a missing header (or "*")
// answers 428; a header that is not one version "N" answers 400.
[[nodiscard]] std::optional<std::int64_t> if_match_version(const Context& ctx, bool required);

// A JSON response; with `version`, ETag: "version". GET responses say
// Cache-Control: no-cache (private when the request carried a token).
[[nodiscard]] http::Response json_response(const Context& ctx, int status,
                                           const nlohmann::json& body,
                                           std::optional<std::int64_t> version = std::nullopt);

// The same with an entity tag that is no version (tournament::content_etag).
[[nodiscard]] http::Response json_response(const Context& ctx, int status,
                                           const nlohmann::json& body, const std::string& etag);

// 304 when If-None-Match matches `version`, else nullopt.
[[nodiscard]] std::optional<http::Response> not_modified(const Context& ctx, std::int64_t version);
// 304 when If-None-Match lists `etag`, else nullopt.
[[nodiscard]] std::optional<http::Response> not_modified(const Context& ctx,
                                                         const std::string& etag);

// {items, next_cursor}.
[[nodiscard]] http::Response page_response(const Context& ctx, tournament::Page page);

// A service listing one page of a resource of an event, after `cursor`.
using EventLister = tournament::Page (*)(db::Connection& conn, const tournament::Caller& caller,
                                         std::int64_t event_id,
                                         const std::optional<std::string>& cursor, int limit);

// GET of a list of event {id} whose only parameters are cursor and limit: reads
// them (refusing any other), runs `list` and answers the page.
[[nodiscard]] http::Response event_page(Context& ctx, EventLister list);

// A strict JSON body read for the tournament routes (limits from config).
[[nodiscard]] nlohmann::json json_body(const Context& ctx);

}  // namespace api
