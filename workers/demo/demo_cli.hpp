// `scoreline-api demo load [--data DIR]`: loads the demo events of
// demo_loader.hpp into the database of SCORELINE_DATABASE_URL when it holds
// no event yet (scripts/stack.sh runs it on every `make run`). The events
// belong to an account demo-organizer@example.org made with a random password
// that is never shown (an admin manages the events). DIR defaults to
// ../shared/data/football beside the checkout.
#pragma once

namespace demo {

// argv[0] is "demo". Returns the exit code: 0 loaded or nothing to do,
// 1 failed (nothing written), 2 usage.
[[nodiscard]] int run_demo_command(int argc, char** argv, char** envp);

}  // namespace demo
