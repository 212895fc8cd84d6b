// Alert handlers; see alert_handler.hpp.
#include "integrity/alert_handler.hpp"

#include "common/tournament_handler.hpp"
#include "export/csv_writer.hpp"
#include "handlers/audit.hpp"
#include "handlers/authenticate.hpp"
#include "http/json_body.hpp"
#include "integrity/alert_service.hpp"
#include "integrity/alert_view.hpp"
#include "text/text_policy.hpp"

namespace api {
namespace {

namespace ig = domain::integrity;

// The caller, once authorized for alerts (401 anonymous, 403 not an admin).
tournament::Caller admin_caller(Context& ctx) {
    tournament::Caller caller = caller_of(ctx);
    authorize(ctx, authz::Action::kManageAlerts, authz::Resource::alerts());
    return caller;
}

// One word of a closed set: unset when absent, an error naming `name` when
// `parse` refuses it.
template <class T, class Parse>
std::optional<T> word(const http::Request& req, const char* name, Parse parse,
                      std::vector<http::FieldError>& errors, const char* words) {
    auto v = req.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    auto parsed = parse(*v);
    if (!parsed) {
        errors.push_back({name, std::string("must be one of ") + words});
    }
    return parsed;
}

std::string kind_words() {
    std::string words;
    for (ig::Kind k : ig::kAllKinds) {
        words += words.empty() ? "" : ", ";
        words += ig::to_string(k);
    }
    return words;
}

// The filters of the list and the export, their errors added to `errors`.
tournament::AlertFilter read_filter(const http::Request& req,
                                    std::vector<http::FieldError>& errors) {
    tournament::AlertFilter f;
    f.status = word<ig::AlertStatus>(req, "status", ig::parse_alert_status, errors,
                                     "open, acknowledged, resolved, dismissed");
    f.kind = word<ig::Kind>(req, "kind", ig::parse_kind, errors, kind_words().c_str());
    f.severity =
        word<ig::Severity>(req, "severity", ig::parse_severity, errors, "info, warning, critical");
    if (auto v = req.query_param("event_id")) {
        std::int64_t id = 0;
        auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
        if (ec != std::errc{} || p != v->data() + v->size() || id < 1) {
            errors.push_back({"event_id", "must be a positive integer"});
        } else {
            f.event_id = id;
        }
    }
    for (const char* name : {"from", "to"}) {
        if (auto v = req.query_param(name)) {
            auto ts = parse_timestamp_filter(*v);
            if (!ts) {
                errors.push_back({name, "must be an ISO-8601 date or time with Z or an offset"});
            }
            (std::string_view(name) == "from" ? f.from : f.to) = ts;
        }
    }
    return f;
}

enum class ExportFormat { kCsv, kNdjson };

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void add_id(tournament::CsvWriter& csv, const std::optional<std::int64_t>& id) {
    id ? (void)csv.add(*id) : (void)csv.add_empty();
}

void add_text(tournament::CsvWriter& csv, const std::optional<std::string>& text) {
    text ? (void)csv.add(*text) : (void)csv.add_empty();
}

void write_csv_header(tournament::CsvWriter& csv) {
    for (const char* name :
         {"id", "kind", "severity", "status", "event_id", "event_name", "game_id", "home_team_name",
          "away_team_name", "user_id", "user_display_name", "occurrences", "created_at",
          "updated_at", "evidence"}) {
        csv.add(name);
    }
    csv.end_row();
}

void write_csv_row(tournament::CsvWriter& csv, const tournament::AlertRow& a) {
    csv.add(a.id).add(ig::to_string(a.kind)).add(ig::to_string(a.severity));
    csv.add(ig::to_string(a.status));
    add_id(csv, a.event_id);
    add_text(csv, a.event_name);
    add_id(csv, a.game_id);
    add_text(csv, a.home_team_name);
    add_text(csv, a.away_team_name);
    add_id(csv, a.user_id);
    add_text(csv, a.user_display_name);
    csv.add(std::int64_t{a.occurrences}).add(a.created_at).add(a.updated_at);
    csv.add(dump(a.evidence));
    csv.end_row();
}

// One page of the export as text: CSV records (after the header row on the
// first page) or one JSON object per line.
std::string export_chunk(ExportFormat format, const std::vector<tournament::AlertRow>& rows,
                         bool first) {
    std::string chunk;
    switch (format) {
        case ExportFormat::kCsv: {
            tournament::CsvWriter csv;
            if (first) {
                write_csv_header(csv);
            }
            for (const auto& a : rows) {
                write_csv_row(csv, a);
            }
            chunk = csv.take();
            break;
        }
        case ExportFormat::kNdjson:
            for (const auto& a : rows) {
                chunk += dump(tournament::to_json(a));
                chunk += '\n';
            }
            break;
    }
    return chunk;
}

// An alert with its history, ETag = its version; never cached.
http::Response detail_response(const Context& ctx, const tournament::AlertDetail& d) {
    http::Response r = json_response(ctx, 200, tournament::to_json(d), d.alert.version);
    r.set_header("Cache-Control", "no-store");
    return r;
}

http::Response list(Context& ctx) {
    const tournament::Caller caller = admin_caller(ctx);
    std::vector<http::FieldError> errors;
    const tournament::AlertFilter filter = read_filter(ctx.req, errors);
    QueryReader query(ctx.req);
    const int limit = query.limit();
    const auto cursor = query.cursor();
    try {
        query.finish();
    } catch (const http::Problem& p) {
        errors.insert(errors.end(), p.errors().begin(), p.errors().end());
    }
    if (!errors.empty()) {
        throw http::Problem(422, "the query has invalid parameters", errors);
    }
    http::Response r =
        page_response(ctx, tournament::list_alerts(ctx.db(), caller, filter, cursor, limit));
    r.set_header("Cache-Control", "no-store");
    return r;
}

http::Response get(Context& ctx) {
    const tournament::Caller caller = admin_caller(ctx);
    const std::int64_t id = id_param(ctx, "id");
    return detail_response(ctx, tournament::get_alert(ctx.db(), caller, id));
}

http::Response patch(Context& ctx) {
    const tournament::Caller caller = admin_caller(ctx);
    const std::int64_t id = id_param(ctx, "id");
    const auto body = json_body(ctx);
    http::FieldReader fields(body);
    auto status = fields.string("status", true, 1, 20);
    auto note = fields.string("note", false, 0, 4000, text::Kind::kMultiLine);
    std::optional<ig::AlertStatus> to;
    if (status) {
        to = ig::parse_alert_status(*status);
        if (!to) {
            fields.fail("status", "must be acknowledged, resolved or dismissed");
        }
    }
    if (note && text::utf8_length(*note) > 1000) {
        fields.fail("note", "must be at most 1000 characters");
    }
    fields.finish();
    const std::int64_t expected = *if_match_version(ctx, true);
    return detail_response(
        ctx, tournament::move_alert(ctx.db(), caller, id, expected, {*to, std::move(note)}));
}

http::Response export_file(Context& ctx) {
    (void)admin_caller(ctx);
    std::vector<http::FieldError> errors;
    const tournament::AlertFilter filter = read_filter(ctx.req, errors);
    auto format = ExportFormat::kCsv;
    if (auto v = ctx.req.query_param("format")) {
        if (*v == "ndjson") {
            format = ExportFormat::kNdjson;
        } else if (*v != "csv") {
            errors.push_back({"format", "must be one of csv, ndjson"});
        }
    }
    if (!errors.empty()) {
        throw http::Problem(422, "the query has invalid parameters", errors);
    }
    // Connect now: a database that is away is a 503 before any byte is sent.
    (void)ctx.db();
    const bool csv = format == ExportFormat::kCsv;
    http::Response r;
    r.status = 200;
    r.set_header("Content-Type", csv ? "text/csv; charset=utf-8" : "application/x-ndjson");
    r.set_header("Content-Disposition", csv ? "attachment; filename=\"alerts.csv\""
                                            : "attachment; filename=\"alerts.ndjson\"");
    r.set_header("Cache-Control", "no-store");
    // The body is read and sent after this returns (http::BodyStream): the
    // worker's Database outlives the request.
    Database& database = ctx.database;
    r.stream = [&database, filter, format](const http::ChunkWriter& write) {
        bool first = true;
        tournament::export_alerts(database.get(), filter, [&](const auto& rows) {
            const bool sent = write(export_chunk(format, rows, first));
            first = false;
            return sent;
        });
    };
    return r;
}

}  // namespace

void add_alert_routes(Router& router) {
    // The export first: the router takes the first pattern that matches, and
    // {id} would match "export".
    router.add("GET", "/api/v1/admin/alerts/export", export_file);
    router.add("GET", "/api/v1/admin/alerts", list);
    router.add("GET", "/api/v1/admin/alerts/{id}", get);
    router.add("PATCH", "/api/v1/admin/alerts/{id}", patch);
}

}  // namespace api
