// The admin routes of integrity alerts through nginx (issue 15,
// docs/integrity.md "The API"): who may call them, the list's filters and
// cursor, the status workflow with If-Match (its history, audit and outbox
// rows), and the streamed CSV / NDJSON export. Alerts are seeded with SQL: the
// score-write path that raises them is tested on its own.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "tournament_suite.hpp"

namespace {

using tourtest::json;

struct Seeded {
    tourtest::User organizer;
    std::int64_t event_id = 0;
    std::int64_t home_team_id = 0;
    std::int64_t away_team_id = 0;
};

// An event with two teams through the API; its own event_id scopes every list.
Seeded seed_event(const std::string& name) {
    Seeded s;
    s.organizer = tourtest::new_user("org");
    const json event = tourtest::create_event(s.organizer, {{"name", name},
                                                            {"sport", "football"},
                                                            {"format", "round_robin"},
                                                            {"starts_on", "2024-09-01"}});
    s.event_id = event["id"].get<std::int64_t>();
    s.home_team_id =
        tourtest::add_team(s.organizer, s.event_id, "Home " + name)["id"].get<std::int64_t>();
    s.away_team_id =
        tourtest::add_team(s.organizer, s.event_id, "Away " + name)["id"].get<std::int64_t>();
    return s;
}

// One alert row of the event; returns its id. `subject` must be unique per kind.
std::int64_t seed_alert(const Seeded& s, const std::string& kind, const std::string& severity,
                        const std::string& status, const std::string& created_at,
                        const std::string& subject) {
    const std::string id = tourtest::sql(
        "INSERT INTO alerts (kind, severity, status, subject, event_id, home_team_id, "
        "away_team_id, user_id, evidence, created_at, updated_at) VALUES ('" +
        kind + "', '" + severity + "', '" + status + "', '" + subject + "', " +
        std::to_string(s.event_id) + ", " + std::to_string(s.home_team_id) + ", " +
        std::to_string(s.away_team_id) + ", " + std::to_string(s.organizer.id) +
        ", '{\"margin\": 9, \"z\": 4.2}', '" + created_at + "', '" + created_at +
        "') RETURNING id");
    tourtest::sql("INSERT INTO alert_transitions (alert_id, from_status, to_status) VALUES (" + id +
                  ", NULL, 'open')");
    return std::stoll(id);
}

// `count` open margin_outlier alerts of the event with generate_series.
void seed_many(const Seeded& s, int count, std::int64_t subject_base) {
    tourtest::sql(
        "INSERT INTO alerts (kind, severity, subject, event_id, home_team_id, away_team_id, "
        "evidence) SELECT 'margin_outlier', 'warning', 'game:' || (" +
        std::to_string(subject_base) + " + g), " + std::to_string(s.event_id) + ", " +
        std::to_string(s.home_team_id) + ", " + std::to_string(s.away_team_id) +
        ", jsonb_build_object('n', g) FROM generate_series(1, " + std::to_string(count) + ") g");
}

std::vector<std::int64_t> ids_of(const std::vector<json>& items) {
    std::vector<std::int64_t> ids;
    for (const auto& a : items) {
        ids.push_back(a["id"].get<std::int64_t>());
    }
    return ids;
}

std::vector<std::int64_t> listed(const tourtest::User& admin, const std::string& query) {
    return ids_of(tourtest::all_pages("/api/v1/admin/alerts?" + query, admin.token));
}

std::string alert_path(std::int64_t id) {
    return "/api/v1/admin/alerts/" + std::to_string(id);
}

tourtest::Reply patch(const tourtest::User& u, std::int64_t id, const json& body,
                      const std::string& if_match) {
    std::vector<std::string> headers;
    if (!if_match.empty()) {
        headers.push_back("If-Match: " + if_match);
    }
    return tourtest::call("PATCH", alert_path(id), body, u.token, headers);
}

// The `field` of each entry of a 422's errors.
std::set<std::string> error_fields(const tourtest::Reply& r) {
    std::set<std::string> fields;
    const json body = tourtest::expect_problem(r, 422);
    for (const auto& e : body["errors"]) {
        fields.insert(e["field"].get<std::string>());
    }
    return fields;
}

std::vector<std::string> lines_of(const std::string& text, const std::string& end) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto next = text.find(end, at);
        if (next == std::string::npos) {
            lines.push_back(text.substr(at));
            break;
        }
        lines.push_back(text.substr(at, next - at));
        at = next + end.size();
    }
    return lines;
}

TEST(IntegrityAlerts, OnlyAdminsReachAnyAlertRoute) {
    const Seeded s = seed_event("Authz Cup");
    const std::int64_t id =
        seed_alert(s, "margin_outlier", "warning", "open", "2024-05-01T00:00:00Z", "game:900001");
    const tourtest::User user = tourtest::new_user("plain");
    struct Route {
        std::string method, path;
        json body;
    };
    const std::vector<Route> routes = {
        {"GET", "/api/v1/admin/alerts", nullptr},
        {"GET", "/api/v1/admin/alerts/export", nullptr},
        {"GET", "/api/v1/admin/alerts/export?format=ndjson", nullptr},
        {"GET", alert_path(id), nullptr},
        {"PATCH", alert_path(id), {{"status", "acknowledged"}}},
    };
    for (const auto& r : routes) {
        SCOPED_TRACE(r.method + " " + r.path);
        const std::vector<std::string> if_match = {"If-Match: \"1\""};
        tourtest::expect_problem(tourtest::call(r.method, r.path, r.body, "", if_match), 401);
        tourtest::expect_problem(tourtest::call(r.method, r.path, r.body, user.token, if_match),
                                 403);
        // The organizer of the alert's own event is no admin either.
        tourtest::expect_problem(
            tourtest::call(r.method, r.path, r.body, s.organizer.token, if_match), 403);
    }
    EXPECT_EQ(
        tourtest::sql("SELECT status || version FROM alerts WHERE id = " + std::to_string(id)),
        "open1");
}

TEST(IntegrityAlerts, EachFilterNarrowsTheList) {
    const tourtest::User admin = tourtest::new_admin("filters");
    const Seeded s = seed_event("Filter League");
    const Seeded other = seed_event("Other League");
    const auto a1 =
        seed_alert(s, "margin_outlier", "warning", "open", "2024-01-01T00:00:00Z", "game:910001");
    const auto a2 = seed_alert(s, "implausible_score", "critical", "acknowledged",
                               "2024-02-01T00:00:00Z", "game:910002");
    const auto a3 =
        seed_alert(s, "late_score", "info", "resolved", "2024-03-01T00:00:00Z", "game:910003");
    const auto a4 =
        seed_alert(s, "edit_burst", "warning", "dismissed", "2024-04-01T00:00:00Z", "user:910004");
    const auto b1 = seed_alert(other, "margin_outlier", "warning", "open", "2024-01-01T00:00:00Z",
                               "game:910005");
    const std::string e = "event_id=" + std::to_string(s.event_id);
    using Ids = std::vector<std::int64_t>;
    EXPECT_EQ(listed(admin, e), (Ids{a4, a3, a2, a1}));  // newest (highest id) first
    EXPECT_EQ(listed(admin, "event_id=" + std::to_string(other.event_id)), (Ids{b1}));
    EXPECT_EQ(listed(admin, e + "&status=open"), (Ids{a1}));
    EXPECT_EQ(listed(admin, e + "&status=dismissed"), (Ids{a4}));
    EXPECT_EQ(listed(admin, e + "&kind=implausible_score"), (Ids{a2}));
    EXPECT_EQ(listed(admin, e + "&severity=warning"), (Ids{a4, a1}));
    EXPECT_EQ(listed(admin, e + "&severity=info"), (Ids{a3}));
    // from inclusive, to exclusive.
    EXPECT_EQ(listed(admin, e + "&from=2024-02-01&to=2024-04-01T00:00:00Z"), (Ids{a3, a2}));
    EXPECT_EQ(listed(admin, e + "&from=2024-03-01T00:00:00%2B00:00"), (Ids{a4, a3}));
    EXPECT_EQ(listed(admin, e + "&status=open&kind=margin_outlier&severity=critical"), Ids{});

    auto one = tourtest::call("GET", "/api/v1/admin/alerts?" + e + "&kind=late_score", nullptr,
                              admin.token);
    ASSERT_EQ(one.status, 200) << one.raw.body;
    EXPECT_EQ(one.header("cache-control"), "no-store");
    const json& item = one.body["items"][0];
    EXPECT_EQ(item["event_name"], "Filter League");
    EXPECT_EQ(item["home_team_name"], "Home Filter League");
    EXPECT_EQ(item["away_team_name"], "Away Filter League");
    EXPECT_EQ(item["user_id"], s.organizer.id);
    EXPECT_EQ(item["evidence"]["margin"], 9);
    EXPECT_EQ(item["status"], "resolved");

    const std::vector<std::pair<std::string, std::string>> bad = {
        {"status", "status=closed"},   {"kind", "kind=fraud"},
        {"severity", "severity=high"}, {"event_id", "event_id=abc"},
        {"event_id", "event_id=0"},    {"from", "from=yesterday"},
        {"to", "to=2024-13-01"},       {"limit", "limit=0"},
        {"limit", "limit=201"},        {"cursor", "cursor=bm90LWEtY3Vyc29y"},
    };
    for (const auto& [field, query] : bad) {
        SCOPED_TRACE(query);
        const auto r = tourtest::call("GET", "/api/v1/admin/alerts?" + query, nullptr, admin.token);
        EXPECT_EQ(error_fields(r), std::set<std::string>{field});
    }
    // Every bad parameter is named at once.
    const auto r =
        tourtest::call("GET", "/api/v1/admin/alerts?status=x&kind=y&from=z", nullptr, admin.token);
    EXPECT_EQ(error_fields(r), (std::set<std::string>{"status", "kind", "from"}));
}

TEST(IntegrityAlerts, CursorPagesThroughEveryAlertOnce) {
    const tourtest::User admin = tourtest::new_admin("pages");
    const Seeded s = seed_event("Paged League");
    seed_many(s, 1200, 2000000);
    const std::string e = "event_id=" + std::to_string(s.event_id);
    for (const char* limit : {"137", "200"}) {
        SCOPED_TRACE(limit);
        const auto ids = listed(admin, e + "&limit=" + limit);
        ASSERT_EQ(ids.size(), 1200u);
        for (std::size_t i = 1; i < ids.size(); ++i) {
            ASSERT_LT(ids[i], ids[i - 1]) << "at " << i;  // strictly newest first: no duplicate
        }
        // No gap: the ids are exactly the event's.
        EXPECT_EQ(ids.front() - ids.back(), 1199);
    }
    const auto first =
        tourtest::call("GET", "/api/v1/admin/alerts?" + e, nullptr, admin.token);  // default 50
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(first.body["items"].size(), 50u);
    EXPECT_TRUE(first.body["next_cursor"].is_string());
}

TEST(IntegrityAlerts, WorkflowWithIfMatchHistoryAuditAndOutbox) {
    const tourtest::User admin = tourtest::new_admin("flow");
    const Seeded s = seed_event("Workflow League");
    const std::int64_t id = seed_alert(s, "implausible_score", "critical", "open",
                                       "2024-06-01T00:00:00Z", "game:920001");
    const std::string sid = std::to_string(id);

    auto got = tourtest::call("GET", alert_path(id), nullptr, admin.token);
    ASSERT_EQ(got.status, 200) << got.raw.body;
    EXPECT_EQ(got.header("etag"), "\"1\"");
    EXPECT_EQ(got.header("cache-control"), "no-store");
    ASSERT_EQ(got.body["history"].size(), 1u);
    EXPECT_TRUE(got.body["history"][0]["from_status"].is_null());
    EXPECT_EQ(got.body["history"][0]["to_status"], "open");

    // Refusals change nothing.
    tourtest::expect_problem(patch(admin, id, {{"status", "acknowledged"}}, ""), 428);
    tourtest::expect_problem(patch(admin, id, {{"status", "acknowledged"}}, "W/\"1\""), 400);
    const json illegal =
        tourtest::expect_problem(patch(admin, id, {{"status", "resolved"}}, "\"1\""), 409);
    EXPECT_NE(illegal["detail"].get<std::string>().find("from open to resolved"), std::string::npos)
        << illegal.dump();
    EXPECT_EQ(error_fields(patch(admin, id, {{"status", "closed"}}, "\"1\"")),
              std::set<std::string>{"status"});
    EXPECT_EQ(error_fields(patch(admin, id, json::object(), "\"1\"")),
              std::set<std::string>{"status"});
    EXPECT_EQ(
        error_fields(patch(
            admin, id, {{"status", "acknowledged"}, {"note", std::string(1001, 'x')}}, "\"1\"")),
        std::set<std::string>{"note"});
    EXPECT_EQ(
        error_fields(patch(admin, id, {{"status", "acknowledged"}, {"note", "a\x01"}}, "\"1\"")),
        std::set<std::string>{"note"});
    EXPECT_EQ(error_fields(patch(admin, id, {{"status", "acknowledged"}, {"owner", 1}}, "\"1\"")),
              std::set<std::string>{"owner"});
    tourtest::expect_problem(patch(admin, 999999999, {{"status", "acknowledged"}}, "\"1\""), 404);
    EXPECT_EQ(tourtest::sql("SELECT status || version FROM alerts WHERE id = " + sid), "open1");
    EXPECT_EQ(tourtest::sql("SELECT count(*) FROM alert_transitions WHERE alert_id = " + sid), "1");

    // open -> acknowledged, with a note of two lines.
    const std::string note = "Looked at the sheet.\nCalling the referee.";
    auto ack = patch(admin, id, {{"status", "acknowledged"}, {"note", note}}, "\"1\"");
    ASSERT_EQ(ack.status, 200) << ack.raw.body;
    EXPECT_EQ(ack.header("etag"), "\"2\"");
    EXPECT_EQ(ack.body["status"], "acknowledged");
    EXPECT_EQ(ack.body["version"], 2);
    ASSERT_EQ(ack.body["history"].size(), 2u);
    const json& h = ack.body["history"][1];
    EXPECT_EQ(h["from_status"], "open");
    EXPECT_EQ(h["to_status"], "acknowledged");
    EXPECT_EQ(h["actor_id"], admin.id);
    EXPECT_EQ(h["actor_display_name"], "Admin flow");
    EXPECT_EQ(h["note"], note);
    EXPECT_TRUE(h["at"].is_string());

    // A stale version: 412 with the current ETag.
    auto stale = patch(admin, id, {{"status", "resolved"}}, "\"1\"");
    tourtest::expect_problem(stale, 412);
    EXPECT_EQ(stale.header("etag"), "\"2\"");

    auto resolved = patch(admin, id, {{"status", "resolved"}}, "\"2\"");
    ASSERT_EQ(resolved.status, 200) << resolved.raw.body;
    EXPECT_EQ(resolved.header("etag"), "\"3\"");
    EXPECT_EQ(resolved.body["history"].size(), 3u);
    EXPECT_TRUE(resolved.body["history"][2]["note"].is_null());

    // resolved is final for an admin: resolved -> acknowledged is 409.
    const json back =
        tourtest::expect_problem(patch(admin, id, {{"status", "acknowledged"}}, "\"3\""), 409);
    EXPECT_NE(back["detail"].get<std::string>().find("from resolved to acknowledged"),
              std::string::npos);

    EXPECT_EQ(tourtest::sql("SELECT string_agg(action || ':' || actor_id || ':' || "
                            "(before->>'status') || '>' || (after->>'status') || ':' || "
                            "(after->>'version') || ':' || coalesce(after->>'note', '-'), ' ' "
                            "ORDER BY id) FROM audit_log WHERE target_type = 'alert' AND "
                            "target_id = " +
                            sid),
              "alert.acknowledged:" + std::to_string(admin.id) +
                  ":open>acknowledged:2:Looked at the sheet.\nCalling the referee. "
                  "alert.resolved:" +
                  std::to_string(admin.id) + ":acknowledged>resolved:3:-");
    EXPECT_EQ(tourtest::sql("SELECT string_agg((payload->'alert'->>'status') || '/' || "
                            "(payload->'alert'->>'version'), ' ' ORDER BY id) FROM outbox WHERE "
                            "topic = 'admin' AND kind = 'alert.updated' AND "
                            "payload->'alert'->>'id' = '" +
                            sid + "'"),
              "acknowledged/2 resolved/3");
}

TEST(IntegrityAlerts, DismissFromAcknowledged) {
    const tourtest::User admin = tourtest::new_admin("dismiss");
    const Seeded s = seed_event("Dismiss League");
    const std::int64_t id =
        seed_alert(s, "late_score", "info", "open", "2024-06-01T00:00:00Z", "game:930001");
    tourtest::expect_problem(patch(admin, id, {{"status", "dismissed"}}, "\"1\""), 409);
    ASSERT_EQ(patch(admin, id, {{"status", "acknowledged"}}, "\"1\"").status, 200);
    auto d = patch(admin, id, {{"status", "dismissed"}, {"note", "a known derby"}}, "\"2\"");
    ASSERT_EQ(d.status, 200) << d.raw.body;
    EXPECT_EQ(d.body["status"], "dismissed");
    tourtest::expect_problem(patch(admin, id, {{"status", "resolved"}}, "\"3\""), 409);
    EXPECT_EQ(tourtest::sql("SELECT action FROM audit_log WHERE target_type = 'alert' AND "
                            "target_id = " +
                            std::to_string(id) + " ORDER BY id DESC LIMIT 1"),
              "alert.dismissed");
}

TEST(IntegrityAlerts, CsvExportIsRfc4180WithFormulaCellsNeutralized) {
    const tourtest::User admin = tourtest::new_admin("csv");
    const Seeded s = seed_event("Csv League");
    tourtest::sql(
        "UPDATE events SET name = '=HYPERLINK(\"http://evil.example\",\"x\")' WHERE id = " +
        std::to_string(s.event_id));
    tourtest::sql("UPDATE teams SET name = '+1' WHERE id = " + std::to_string(s.home_team_id));
    tourtest::sql("UPDATE teams SET name = 'Plain, \"Quoted\"' WHERE id = " +
                  std::to_string(s.away_team_id));
    const std::int64_t id =
        seed_alert(s, "margin_outlier", "warning", "open", "2024-07-01T00:00:00Z", "game:940001");
    auto r =
        tourtest::call("GET", "/api/v1/admin/alerts/export?event_id=" + std::to_string(s.event_id),
                       nullptr, admin.token);
    ASSERT_EQ(r.status, 200) << r.raw.body;
    EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0u) << r.header("content-type");
    EXPECT_EQ(r.header("content-disposition"), "attachment; filename=\"alerts.csv\"");
    EXPECT_EQ(r.header("cache-control"), "no-store");
    const auto lines = lines_of(r.raw.body, "\r\n");
    ASSERT_EQ(lines.size(), 2u) << r.raw.body;
    EXPECT_EQ(lines[0],
              "id,kind,severity,status,event_id,event_name,game_id,home_team_name,away_team_name,"
              "user_id,user_display_name,occurrences,created_at,updated_at,evidence");
    const std::string e = std::to_string(s.event_id);
    EXPECT_EQ(lines[1], std::to_string(id) + ",margin_outlier,warning,open," + e +
                            ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,'+1,"
                            "\"Plain, \"\"Quoted\"\"\"," +
                            std::to_string(s.organizer.id) +
                            ",Player org,1,2024-07-01T00:00:00.000Z,2024-07-01T00:00:00.000Z,"
                            "\"{\"\"margin\"\":9,\"\"z\"\":4.2}\"");
    // Only CRLF ends a record: no bare LF anywhere.
    EXPECT_EQ(r.raw.body.find("\n"), r.raw.body.find("\r\n") + 1);

    EXPECT_EQ(error_fields(tourtest::call("GET", "/api/v1/admin/alerts/export?format=xml", nullptr,
                                          admin.token)),
              std::set<std::string>{"format"});
    EXPECT_EQ(error_fields(tourtest::call("GET", "/api/v1/admin/alerts/export?severity=loud",
                                          nullptr, admin.token)),
              std::set<std::string>{"severity"});
}

TEST(IntegrityAlerts, ExportsOfMoreThanOnePageArriveComplete) {
    const tourtest::User admin = tourtest::new_admin("bulk");
    const Seeded s = seed_event("Bulk League");
    seed_many(s, 1200, 3000000);
    const std::string q = "event_id=" + std::to_string(s.event_id);
    const std::string expected_ids = tourtest::sql(
        "SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM alerts WHERE event_id = " +
        std::to_string(s.event_id));

    auto csv =
        tourtest::call("GET", "/api/v1/admin/alerts/export?format=csv&" + q, nullptr, admin.token);
    ASSERT_EQ(csv.status, 200);
    auto rows = lines_of(csv.raw.body, "\r\n");
    ASSERT_EQ(rows.size(), 1201u);
    std::string csv_ids;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        csv_ids += (i > 1 ? "," : "") + rows[i].substr(0, rows[i].find(','));
    }
    EXPECT_EQ(csv_ids, expected_ids);

    auto nd = tourtest::call("GET", "/api/v1/admin/alerts/export?format=ndjson&" + q, nullptr,
                             admin.token);
    ASSERT_EQ(nd.status, 200);
    EXPECT_EQ(nd.header("content-type"), "application/x-ndjson");
    EXPECT_EQ(nd.header("content-disposition"), "attachment; filename=\"alerts.ndjson\"");
    ASSERT_FALSE(nd.raw.body.empty());
    EXPECT_EQ(nd.raw.body.back(), '\n');
    const auto lines = lines_of(nd.raw.body, "\n");
    ASSERT_EQ(lines.size(), 1200u);
    std::string nd_ids;
    std::set<std::int64_t> evidence;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const json a = json::parse(lines[i], nullptr, false);
        ASSERT_FALSE(a.is_discarded()) << "line " << i;
        EXPECT_EQ(a["event_name"], "Bulk League");
        nd_ids += (i > 0 ? "," : "") + std::to_string(a["id"].get<std::int64_t>());
        evidence.insert(a["evidence"]["n"].get<std::int64_t>());
    }
    EXPECT_EQ(nd_ids, expected_ids);
    EXPECT_EQ(evidence.size(), 1200u);
    // How the streamed bodies went is logged after the request line.
    EXPECT_NE(tourtest::stack().api_log().find("\"event\":\"stream_done\""), std::string::npos);

    // An empty result is the header alone (CSV) or nothing (NDJSON).
    auto none = tourtest::call("GET", "/api/v1/admin/alerts/export?status=dismissed&" + q, nullptr,
                               admin.token);
    EXPECT_EQ(none.raw.body.substr(0, 3), "id,");
    EXPECT_EQ(lines_of(none.raw.body, "\r\n").size(), 1u);
    auto none_nd =
        tourtest::call("GET", "/api/v1/admin/alerts/export?format=ndjson&status=dismissed&" + q,
                       nullptr, admin.token);
    EXPECT_EQ(none_nd.status, 200);
    EXPECT_EQ(none_nd.raw.body, "");
}

// What an export download received so far; filled on curl's thread.
struct Download {
    std::string body;
    std::atomic<std::size_t> bytes{0};
};

std::size_t on_export_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* d = static_cast<Download*>(user);
    d->body.append(data, size * n);
    d->bytes = d->body.size();
    return size * n;
}

// The database connection dies in the middle of an export, once the client
// has part of the file: the head (200) is out, so the worker can only log
// stream_failed and cut the connection without ending the FastCGI request,
// so nginx aborts the client's transfer: the client sees the 200 head, a
// clean prefix of the file cut at a page boundary, and a failed transfer,
// never a whole-looking file (docs/integrity.md, "The API"); the worker
// reconnects and serves the next export whole.
TEST(IntegrityAlerts, AnExportWhoseDatabaseDiesMidwayEndsShortAndIsLogged) {
    const tourtest::User admin = tourtest::new_admin("cut");
    const Seeded s = seed_event("Cut League");
    constexpr int kAlerts = 60000;  // ~120 pages: long enough to cut into
    seed_many(s, kAlerts, 4000000);
    tourtest::sql("ANALYZE alerts");  // as autovacuum would after such a load
    const std::string path =
        "/api/v1/admin/alerts/export?format=csv&event_id=" + std::to_string(s.event_id);

    Download got;
    long status = 0;
    CURLcode rc = CURLE_OK;
    std::thread client([&] {
        CURL* c = curl_easy_init();
        const std::string url = tourtest::stack().https_url(path);
        const std::string cert = tourtest::stack().cert_file();
        curl_slist* headers =
            curl_slist_append(nullptr, ("Authorization: Bearer " + admin.token).c_str());
        curl_easy_setopt(c, CURLOPT_URL, url.c_str());
        curl_easy_setopt(c, CURLOPT_CAINFO, cert.c_str());
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_export_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(headers);
        curl_easy_cleanup(c);
    });
    // Once the first pages arrived, terminate the export's database session.
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got.bytes < 100000 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const std::size_t before_kill = got.bytes;
    const std::string killed = tourtest::sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> "
        "pg_backend_pid() AND state <> 'idle' AND query LIKE '%ORDER BY a.id DESC LIMIT%'");
    client.join();
    ASSERT_GE(before_kill, 100000u);
    ASSERT_EQ(killed, "1") << "the export ended before its session was terminated";

    EXPECT_NE(rc, CURLE_OK) << "a cut export arrived as a complete transfer";
    EXPECT_EQ(status, 200);
    const auto lines = lines_of(got.body, "\r\n");
    EXPECT_GT(lines.size(), 1u);
    EXPECT_LT(lines.size(), static_cast<std::size_t>(kAlerts) + 1) << "the export was not cut";
    // A clean prefix: whole records only, newest first, ids without a gap.
    EXPECT_EQ(got.body.substr(got.body.size() - 2), "\r\n");
    EXPECT_EQ((lines.size() - 1) % 500, 0u) << "cut at a page boundary";
    for (std::size_t i = 2; i < lines.size(); ++i) {
        ASSERT_EQ(std::stoll(lines[i]), std::stoll(lines[i - 1]) - 1) << "line " << i;
    }
    EXPECT_NE(tourtest::stack().api_log().find("\"event\":\"stream_failed\""), std::string::npos);

    // The worker reconnects: the same export now arrives whole.
    const auto again = tourtest::call("GET", path, nullptr, admin.token);
    ASSERT_EQ(again.status, 200) << again.raw.error;
    EXPECT_EQ(lines_of(again.raw.body, "\r\n").size(), static_cast<std::size_t>(kAlerts) + 1);
}

}  // namespace
