// `scoreline-api admin …`: account administration from the command line,
// which is the only way to make the first admin (no HTTP route can):
//   scoreline-api admin create --email E --display-name N   password on stdin
//   scoreline-api admin set-role --email E --role admin|user
// The password is read from stdin (one line; without echo on a terminal),
// never from argv, where every user of the machine could read it.
// Reads SCORELINE_DATABASE_URL and the password settings; no keys needed.
#pragma once

namespace api {

// argv[0] is "admin". Returns the process exit code (0 ok, 1 refused, 2 usage).
[[nodiscard]] int run_admin_command(int argc, char** argv, char** envp);

}  // namespace api
