// scoreline-migrate's command line (options.hpp): what parses, and that every
// bad combination is a UsageError that says what is wrong.
#include <gtest/gtest.h>

#include "options.hpp"

namespace {

using migrate::Command;
using migrate::parse_options;
using migrate::UsageError;

// The UsageError message for `args`, or "" when they parse.
std::string usage_error(std::vector<std::string_view> args) {
    try {
        (void)parse_options(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

TEST(MigrateOptions, Defaults) {
    const auto o = parse_options({"status"});
    EXPECT_EQ(o.command, Command::kStatus);
    EXPECT_FALSE(o.dir);
    EXPECT_EQ(o.lock_timeout.count(), 60);
    EXPECT_FALSE(o.to);
    EXPECT_EQ(o.steps, 1);
    EXPECT_FALSE(o.dry_run);
    EXPECT_FALSE(o.help);
    EXPECT_EQ(parse_options({"verify"}).command, Command::kVerify);
}

TEST(MigrateOptions, ValuesInlineOrSeparateBeforeOrAfterTheCommand) {
    const auto up = parse_options({"--dir=/m", "up", "--to", "7", "--dry-run", "--lock-timeout=0"});
    EXPECT_EQ(up.command, Command::kUp);
    EXPECT_EQ(*up.dir, "/m");
    EXPECT_EQ(*up.to, 7);
    EXPECT_TRUE(up.dry_run);
    EXPECT_EQ(up.lock_timeout.count(), 0);

    const auto down = parse_options({"down", "--steps=3", "--dir", "/x=y"});
    EXPECT_EQ(down.command, Command::kDown);
    EXPECT_EQ(down.steps, 3);
    EXPECT_EQ(*down.dir, "/x=y");
}

TEST(MigrateOptions, HelpNeedsNoCommand) {
    EXPECT_TRUE(parse_options({"--help"}).help);
    EXPECT_TRUE(parse_options({"up", "-h"}).help);
    EXPECT_NE(migrate::usage_text().find("exit codes"), std::string_view::npos);
    EXPECT_NE(migrate::usage_text().find("--lock-timeout"), std::string_view::npos);
}

TEST(MigrateOptions, UnknownOrMissingCommand) {
    EXPECT_EQ(usage_error({}), "no command given");
    EXPECT_EQ(usage_error({"--dry-run"}), "no command given");
    EXPECT_NE(usage_error({"sideways"}).find("unknown command 'sideways'"), std::string::npos);
    EXPECT_EQ(usage_error({"up", "down"}), "unexpected argument 'down'");
}

TEST(MigrateOptions, UnknownOptions) {
    EXPECT_EQ(usage_error({"up", "--force"}), "unknown option '--force'");
    EXPECT_EQ(usage_error({"up", "--force=1"}), "unknown option '--force'");
    EXPECT_EQ(usage_error({"-x", "up"}), "unknown option '-x'");
}

TEST(MigrateOptions, MissingEmptyOrUnwantedValues) {
    EXPECT_EQ(usage_error({"up", "--dir"}), "--dir: missing value");
    EXPECT_EQ(usage_error({"up", "--to"}), "--to: missing value");
    EXPECT_EQ(usage_error({"up", "--dir="}), "--dir: empty");
    EXPECT_EQ(usage_error({"up", "--dry-run=yes"}), "--dry-run: takes no value");
    EXPECT_EQ(usage_error({"--help=1"}), "--help: takes no value");
}

TEST(MigrateOptions, NumbersMustBeWholeAndInRange) {
    EXPECT_EQ(usage_error({"up", "--to", "x"}),
              "--to: expected a whole number from 0 to 9999, got 'x'");
    EXPECT_NE(usage_error({"up", "--to", "3abc"}).find("got '3abc'"), std::string::npos);
    EXPECT_NE(usage_error({"up", "--to=10000"}).find("got '10000'"), std::string::npos);
    EXPECT_NE(usage_error({"up", "--to="}).find("got ''"), std::string::npos);
    EXPECT_NE(usage_error({"down", "--steps", "0"}).find("from 1 to 9999"), std::string::npos);
    EXPECT_NE(usage_error({"up", "--lock-timeout", "-1"}).find("from 0 to 86400"),
              std::string::npos);
    EXPECT_NE(usage_error({"up", "--lock-timeout=86401"}).find("got '86401'"), std::string::npos);
    EXPECT_EQ(usage_error({"up", "--to", "0"}), "");
    EXPECT_EQ(usage_error({"up", "--lock-timeout", "86400"}), "");
}

TEST(MigrateOptions, OptionsThatDoNotGoWithTheCommand) {
    EXPECT_EQ(usage_error({"down", "--to", "3"}), "--to goes with up only");
    EXPECT_EQ(usage_error({"up", "--steps", "2"}), "--steps goes with down only");
    EXPECT_EQ(usage_error({"status", "--dry-run"}), "--dry-run goes with up or down only");
    EXPECT_EQ(usage_error({"verify", "--dry-run"}), "--dry-run goes with up or down only");
    EXPECT_EQ(usage_error({"down", "--dry-run", "--steps", "2"}), "");
}

}  // namespace
