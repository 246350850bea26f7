// Helpers shared by the tests: paths to ../shared/data, temporary folders,
// running the CLI.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace coopscope::testing {

inline std::string SharedData(const std::string& relative) {
  return std::string(COOPSCOPE_SHARED_DATA) + "/" + relative;
}

// A fresh folder under the build tree, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() / (std::string("coopscope_") + info->test_suite_name() + "_" +
                                                      info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the coopscope binary with the given arguments (a shell string).
inline CommandResult RunCli(const std::string& args, const std::string& scratch) {
  std::string out = scratch + "/cli.out", err = scratch + "/cli.err";
  std::string cmd = std::string(COOPSCOPE_BINARY) + " " + args + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  return r;
}

// Starts `coopscope args` and kills it with SIGKILL after DELAY_US.
// Starts the CLI with `args` (output discarded), waits until `ready()` holds
// (polled every 200 us, for at most `max_wait_ms`), then `then_us` more, and
// kills it with SIGKILL.
inline void RunAndKillWhen(const std::string& args, const std::function<bool()>& ready, int then_us,
                           int max_wait_ms = 10000) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl("/bin/sh", "sh", "-c", (std::string("exec ") + COOPSCOPE_BINARY + " " + args).c_str(), nullptr);
    _exit(127);
  }
  for (int waited_us = 0; !ready() && waited_us < max_wait_ms * 1000; waited_us += 200) usleep(200);
  usleep(then_us);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

// Starts the CLI with `args` and kills it after `delay_us`.
inline void RunAndKill(const std::string& args, int delay_us) {
  RunAndKillWhen(args, [] { return true; }, delay_us);
}

}  // namespace coopscope::testing
