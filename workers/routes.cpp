// The route table of scoreline-api. Each resource adds its routes from its
// own file under handlers/.
#include "routes.hpp"

#include "analytics/analytics_handler.hpp"
#include "event/event_handler.hpp"
#include "export/export_handler.hpp"
#include "game/game_handler.hpp"
#include "handlers/audit.hpp"
#include "handlers/auth.hpp"
#include "handlers/ops.hpp"
#include "handlers/stream_tickets.hpp"
#include "integrity/alert_handler.hpp"
#include "member/member_handler.hpp"
#include "score/score_handler.hpp"
#include "standings/standings_handler.hpp"
#include "team/team_handler.hpp"

namespace api {

Router build_router() {
    Router router;
    add_ops_routes(router);
    add_auth_routes(router);
    add_audit_routes(router);
    add_stream_ticket_routes(router);
    // tournaments (issue 4)
    add_event_routes(router);
    add_member_routes(router);
    add_team_routes(router);
    add_game_routes(router);
    add_score_routes(router);
    add_standings_routes(router);
    add_export_routes(router);
    // integrity alerts (issue 15)
    add_alert_routes(router);
    // analytics questions (issue 16)
    add_analytics_routes(router);
    return router;
}

}  // namespace api
