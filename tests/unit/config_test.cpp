// config::Source: defaults, validation messages that name the setting, files.
#include "config.hpp"

#include <gtest/gtest.h>

#include "process.hpp"

namespace {

TEST(Config, DefaultsApplyWhenUnset) {
    auto src = config::Source::from_map({});
    EXPECT_EQ(src.get_int("SCORELINE_WORKERS", 4, 1, 256), 4);
    EXPECT_EQ(src.get_string("SCORELINE_LOG_LEVEL", "info"), "info");
    EXPECT_TRUE(src.get_bool("SCORELINE_X", true));
}

TEST(Config, BadIntegerNamesSettingAndRange) {
    auto src = config::Source::from_map({{"SCORELINE_WORKERS", "lots"}});
    try {
        (void)src.get_int("SCORELINE_WORKERS", 4, 1, 256);
        FAIL() << "expected config::Error";
    } catch (const config::Error& e) {
        EXPECT_STREQ(e.what(), "SCORELINE_WORKERS: must be an integer from 1 to 256, got 'lots'");
    }
    auto zero = config::Source::from_map({{"SCORELINE_WORKERS", "0"}});
    EXPECT_THROW((void)zero.get_int("SCORELINE_WORKERS", 4, 1, 256), config::Error);
    auto trailing = config::Source::from_map({{"SCORELINE_WORKERS", "3x"}});
    EXPECT_THROW((void)trailing.get_int("SCORELINE_WORKERS", 4, 1, 256), config::Error);
}

TEST(Config, EnumListsAllowedValues) {
    auto src = config::Source::from_map({{"SCORELINE_LOG_LEVEL", "loud"}});
    try {
        (void)src.get_enum("SCORELINE_LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
        FAIL();
    } catch (const config::Error& e) {
        EXPECT_NE(std::string(e.what()).find("debug, info, warn, error"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("'loud'"), std::string::npos);
    }
}

TEST(Config, RequiredSettingMissing) {
    auto src = config::Source::from_map({});
    EXPECT_THROW((void)src.require_string("SCORELINE_DATABASE_URL"), config::Error);
}

TEST(Config, FileIsReadAndEnvironmentWins) {
    harness::TempDir dir("cfg");
    const std::string path = dir.path() + "/scoreline.env";
    harness::write_file(path, "# comment\nSCORELINE_WORKERS=7\nSCORELINE_LOG_LEVEL=\"debug\"\n\n");
    std::string file_kv = "SCORELINE_CONFIG_FILE=" + path;
    std::string env_kv = "SCORELINE_LOG_LEVEL=warn";
    char* env[] = {file_kv.data(), env_kv.data(), nullptr};
    auto src = config::Source::load(env);
    EXPECT_EQ(src.get_int("SCORELINE_WORKERS", 1, 1, 256), 7);
    EXPECT_EQ(src.get_string("SCORELINE_LOG_LEVEL", "info"), "warn");
}

TEST(Config, MalformedFileLineIsRefusedWithLineNumber) {
    harness::TempDir dir("cfg");
    const std::string path = dir.path() + "/bad.env";
    harness::write_file(path, "SCORELINE_WORKERS=2\nnonsense\n");
    std::string file_kv = "SCORELINE_CONFIG_FILE=" + path;
    char* env[] = {file_kv.data(), nullptr};
    try {
        (void)config::Source::load(env);
        FAIL();
    } catch (const config::Error& e) {
        EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
    }
}

TEST(Config, UnknownNamesAreReported) {
    auto src = config::Source::from_map({{"SCORELINE_WORKRES", "2"}, {"SCORELINE_WORKERS", "2"}});
    auto unknown = src.unknown_names();
    ASSERT_EQ(unknown.size(), 1u);
    EXPECT_EQ(unknown[0], "SCORELINE_WORKRES");
}

TEST(Config, ListenAddresses) {
    auto u = config::parse_listen("SCORELINE_LISTEN", "unix:/run/api.sock");
    EXPECT_EQ(u.kind, config::ListenAddress::Kind::kUnix);
    EXPECT_EQ(u.path, "/run/api.sock");
    auto t = config::parse_listen("SCORELINE_LISTEN", "127.0.0.1:9000");
    EXPECT_EQ(t.kind, config::ListenAddress::Kind::kTcp);
    EXPECT_EQ(t.host, "127.0.0.1");
    EXPECT_EQ(t.port, 9000);
    EXPECT_THROW((void)config::parse_listen("SCORELINE_LISTEN", "unix:relative"), config::Error);
    EXPECT_THROW((void)config::parse_listen("SCORELINE_LISTEN", "127.0.0.1:0"), config::Error);
    EXPECT_THROW((void)config::parse_listen("SCORELINE_LISTEN", "127.0.0.1:70000"), config::Error);
    EXPECT_THROW((void)config::parse_listen("SCORELINE_LISTEN", "9000"), config::Error);
}

}  // namespace
