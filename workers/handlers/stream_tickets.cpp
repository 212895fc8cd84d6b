// POST /api/v1/stream-tickets (issue 6): a short-lived stream ticket for
// topics the signed-in caller may follow, for an EventSource that cannot send
// Authorization (shared/stream/ticket.hpp has the format,
// shared/stream/topic.hpp the topics; scoreline-sse verifies it without the
// database). Body {"topics": ["admin" | "event:{id}", …]}; answers 200
// {ticket, expires_in, topics}. The admin topic needs the admin role; an
// event topic is authorized by the same function as a REST read of the event
// (tournament::require_readable_events): drafts are for admins and members,
// and a draft the caller may not read answers 404 like a missing event, as
// on REST. The ticket is never logged.
#include "handlers/stream_tickets.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "accounts/auth_runtime.hpp"
#include "auth/jwt.hpp"
#include "common/event_access.hpp"
#include "handlers/authenticate.hpp"
#include "http/json_body.hpp"
#include "http/problem.hpp"
#include "log.hpp"
#include "stream/ticket.hpp"
#include "stream/topic.hpp"

namespace api {
namespace {

// The session (sid) of the caller's access token, which authenticate() verified.
std::string session_of(const Context& ctx) {
    std::string_view value = ctx.req.header("authorization").value_or("");
    value = value.substr(std::min(value.size(), value.find(' ') + 1));
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
    }
    const auto& tokens = accounts::auth_runtime().tokens;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto verified = auth::verify_access_token(value, tokens.keys, tokens.access, now);
    if (!verified.claims) {
        throw http::Problem(401, "the access token is invalid or expired; sign in again");
    }
    return verified.claims->session_id;
}

http::Response create_ticket(Context& ctx) {
    const authz::Actor& actor = require_actor(ctx);
    const auto body = http::parse_json_body(ctx.req, ctx.config.body_limits);
    http::FieldReader fields(body);
    const nlohmann::json* list = fields.any("topics", true);
    std::vector<std::string> topics;
    if (list) {
        if (!list->is_array() || list->empty() || list->size() > stream::kMaxTicketTopics) {
            fields.fail("topics", "must be an array of 1 to 32 topics");
        } else {
            std::set<std::string> seen;
            for (const auto& t : *list) {
                if (!t.is_string() || !stream::parse_topic(t.get<std::string>())) {
                    fields.fail("topics", "each topic is \"admin\" or \"event:{id}\"");
                    break;
                }
                if (seen.insert(t.get<std::string>()).second) {
                    topics.push_back(t.get<std::string>());
                }
            }
        }
    }
    fields.finish();
    std::vector<std::int64_t> events;
    for (const auto& topic : topics) {
        const stream::Topic parsed = *stream::parse_topic(topic);
        if (parsed.kind == stream::Topic::Kind::kAdmin) {
            if (actor.role != authz::GlobalRole::kAdmin) {
                throw http::Problem(403, "the admin stream is for admins");
            }
        } else {
            events.push_back(parsed.event_id);
        }
    }
    tournament::require_readable_events(
        ctx.db(), tournament::Caller{actor, origin_of(ctx.req), ctx.config.db_retry_attempts},
        events);
    const auto& tokens = accounts::auth_runtime().tokens;
    const auth::SigningKey* key = tokens.keys.signing_key();
    if (!key) {
        throw std::logic_error("no signing key loaded");
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::string ticket = stream::issue_ticket(
        *key, tokens.access.issuer, actor.user_id, std::string(authz::to_string(actor.role)),
        session_of(ctx), topics, ctx.config.stream_ticket_ttl, now);
    slog::info("stream_ticket_issued", {{"user_id", actor.user_id}, {"topics", topics}});
    http::Response r = http::Response::json(
        200, nlohmann::json({{"ticket", ticket},
                             {"expires_in", ctx.config.stream_ticket_ttl.count()},
                             {"topics", topics}})
                 .dump());
    r.set_header("Cache-Control", "no-store");
    return r;
}

}  // namespace

void add_stream_ticket_routes(Router& router) {
    router.add("POST", "/api/v1/stream-tickets", create_ticket);
}

}  // namespace api
