// The route table of scoreline-api. Each resource adds its routes from its
// own file under handlers/.
#include "routes.hpp"

#include "handlers/ops.hpp"

namespace api {

Router build_router() {
    Router router;
    add_ops_routes(router);
    return router;
}

}  // namespace api
