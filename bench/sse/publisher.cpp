// The publishing side of the load client; see publisher.hpp.
#include "publisher.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "load_child.hpp"
#include "sse_parser.hpp"

namespace bench_sse {

Publisher::Publisher(PublisherConfig config)
    : c_(std::move(config)),
      http_(c_.kind == "scoreline" ? c_.api_base : c_.publish_url, c_.ca_file, "") {}

bool Publisher::prepare() {
    if (c_.kind != "scoreline") {
        return true;
    }
    auto r = http_.request(
        "GET", "/api/v1/games/" + std::to_string(c_.game_id),
        {{"Authorization", "Bearer " + c_.token}, {"Accept", "application/json"}}, "");
    if (!r || r->status != 200) {
        std::fprintf(
            stderr, "scoreline-sse-load: GET game %lld: %s\n", static_cast<long long>(c_.game_id),
            r ? (std::to_string(r->status) + " " + r->body).c_str() : http_.error().c_str());
        return false;
    }
    const auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (!j.is_object() || !j.contains("version")) {
        std::fprintf(stderr, "scoreline-sse-load: GET game: no version in %s\n", r->body.c_str());
        return false;
    }
    version_ = j["version"].get<std::int64_t>();
    home_ =
        j.contains("home_score") && j["home_score"].is_number() ? j["home_score"].get<int>() : 0;
    return true;
}

std::optional<Published> Publisher::publish(int seq) {
    const std::int64_t requested = monotonic_ns();
    auto r = c_.kind == "scoreline" ? put_score() : post_nchan(seq);
    if (!r) {
        return std::nullopt;
    }
    return Published{r->first, r->second, requested};
}

std::optional<std::pair<std::uint64_t, std::int64_t>> Publisher::put_score() {
    for (int attempt = 0; attempt < 3; ++attempt) {
        home_ = (home_ + 1) % 1000;
        const nlohmann::json body = {{"home_score", home_}, {"away_score", 0}, {"status", "live"}};
        auto r = http_.request("PUT", "/api/v1/games/" + std::to_string(c_.game_id) + "/score",
                               {{"Authorization", "Bearer " + c_.token},
                                {"If-Match", "\"" + std::to_string(version_) + "\""},
                                {"Content-Type", "application/json"},
                                {"Accept", "application/json"}},
                               body.dump());
        const std::int64_t at = monotonic_ns();
        if (!r) {
            std::fprintf(stderr, "scoreline-sse-load: PUT score: %s\n", http_.error().c_str());
            return std::nullopt;
        }
        if (r->status == 412 && prepare()) {
            continue;
        }
        if (r->status != 200) {
            std::fprintf(stderr, "scoreline-sse-load: PUT score answered %d: %s\n", r->status,
                         r->body.c_str());
            return std::nullopt;
        }
        const auto j = nlohmann::json::parse(r->body, nullptr, false);
        const nlohmann::json& game = j.is_object() && j.contains("game") ? j["game"] : j;
        if (!game.is_object() || !game.contains("version")) {
            std::fprintf(stderr, "scoreline-sse-load: PUT score: no version in %s\n",
                         r->body.c_str());
            return std::nullopt;
        }
        version_ = game["version"].get<std::int64_t>();
        return std::make_pair(
            make_key(static_cast<std::uint64_t>(c_.game_id), static_cast<std::uint64_t>(version_)),
            at);
    }
    std::fprintf(stderr, "scoreline-sse-load: PUT score: 412 three times\n");
    return std::nullopt;
}

std::optional<std::pair<std::uint64_t, std::int64_t>> Publisher::post_nchan(int seq) {
    // Same shape as Scoreline's payload so the children match it the same way.
    std::string body =
        "{\"event_id\":0,\"game\":{\"id\":1,\"version\":" + std::to_string(seq) + "},\"pad\":\"";
    const std::size_t want = static_cast<std::size_t>(c_.message_bytes);
    if (body.size() + 2 < want) {
        body.append(want - body.size() - 2, 'x');
    }
    body += "\"}";
    const auto slash = c_.publish_url.find('/', c_.publish_url.find("//") + 2);
    const std::string path = slash == std::string::npos ? "/" : c_.publish_url.substr(slash);
    auto r = http_.request("POST", path, {{"Content-Type", "text/plain"}, {"Accept", "text/json"}},
                           body);
    const std::int64_t at = monotonic_ns();
    if (!r || (r->status != 200 && r->status != 201 && r->status != 202)) {
        std::fprintf(
            stderr, "scoreline-sse-load: nchan publish: %s\n",
            r ? (std::to_string(r->status) + " " + r->body).c_str() : http_.error().c_str());
        return std::nullopt;
    }
    return std::make_pair(make_key(1, static_cast<std::uint64_t>(seq)), at);
}

}  // namespace bench_sse
