#include "redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pylogen::testing {
namespace {

constexpr const char* kServer = "/usr/bin/redis-server";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("RedisServer: no free port on 127.0.0.1");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReplyText(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      return std::to_string(r.integer);
    case REDIS_REPLY_NIL:
      return "(nil)";
    case REDIS_REPLY_ARRAY: {
      std::string text;
      for (std::size_t i = 0; i < r.elements; ++i) {
        if (i > 0) text += '\n';
        text += ReplyText(*r.element[i]);
      }
      return text;
    }
    default:
      return std::string(r.str, r.len);
  }
}

}  // namespace

RedisServer::RedisServer() {
  if (access(kServer, X_OK) != 0) {
    throw std::runtime_error("install redis-server (scripts/install-deps.sh --test)");
  }
  char pattern[] = "/tmp/pylogen-redis-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("RedisServer: mkdtemp failed");
  dir_ = pattern;
  try {
    port_ = FreePort();
    Start();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    throw;
  }
}

RedisServer::~RedisServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::Start() {
  std::string port = std::to_string(port_);
  std::string log = dir_ + "/redis.log";
  std::vector<std::string> args = {kServer,  "--port", port,           "--bind",    "127.0.0.1",
                                   "--save", "",       "--appendonly", "no",        "--daemonize",
                                   "no",     "--dir",  dir_,           "--logfile", log};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  int rc = posix_spawn(&pid_, kServer, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("install redis-server (scripts/install-deps.sh --test): cannot run " +
                             std::string(kServer));
  }
  // Waits until it answers (a readiness marker, not a fixed delay).
  for (int attempt = 0; attempt < 2000; ++attempt) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start; see " + log);
    }
    timeval tv{1, 0};
    client_ = redisConnectWithTimeout("127.0.0.1", port_, tv);
    if (client_ != nullptr && client_->err == 0) {
      auto* reply = static_cast<redisReply*>(redisCommand(client_, "PING"));
      bool ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
      if (reply != nullptr) freeReplyObject(reply);
      if (ok) return;
    }
    if (client_ != nullptr) redisFree(client_);
    client_ = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Stop();
  throw std::runtime_error("redis-server did not answer on port " + port);
}

void RedisServer::Stop() {
  if (client_ != nullptr) redisFree(client_);
  client_ = nullptr;
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void RedisServer::Kill() { Stop(); }

void RedisServer::Restart() {
  Stop();
  Start();
}

std::string RedisServer::Call(const std::vector<std::string>& words) {
  if (client_ == nullptr) throw std::runtime_error("RedisServer::Call: the server is not running");
  std::vector<const char*> argv;
  std::vector<std::size_t> argvlen;
  for (const auto& w : words) {
    argv.push_back(w.data());
    argvlen.push_back(w.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(client_, static_cast<int>(argv.size()), argv.data(), argvlen.data()));
  if (reply == nullptr) {
    throw std::runtime_error(std::string("RedisServer::Call: ") + client_->errstr);
  }
  std::string text = ReplyText(*reply);
  freeReplyObject(reply);
  return text;
}

std::int64_t RedisServer::Info(const std::string& field) {
  std::string info = Call({"INFO", "all"});
  std::string key = field + ":";
  std::size_t at = info.find("\n" + key);
  if (at == std::string::npos) {
    if (info.rfind(key, 0) != 0) throw std::runtime_error("INFO has no field " + field);
    at = 0;
  } else {
    at += 1;
  }
  return std::stoll(info.substr(at + key.size()));
}

}  // namespace pylogen::testing
