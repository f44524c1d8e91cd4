#include "launcher.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common.hpp"

namespace nntar_train {
namespace {

volatile std::sig_atomic_t g_forward_signal = 0;
void remember_signal(int signo) { g_forward_signal = signo; }

// A port the kernel says is free on loopback now. Another program could take
// it before rank 0 listens; the rendezvous then fails with a clear error.
uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw usage_error(std::string("--nproc: socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const int e = errno;
    ::close(fd);
    throw usage_error(std::string("--nproc: cannot find a free loopback port: ") + std::strerror(e));
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

unsigned usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return unsigned(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

bool has_option(const std::vector<std::string>& args, const std::string& name) {
  for (const std::string& a : args)
    if (a == name || a.compare(0, name.size() + 1, name + "=") == 0) return true;
  return false;
}

int status_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

unsigned take_nproc_option(std::vector<std::string>& args) {
  unsigned n = 0;
  for (size_t i = 0; i < args.size();) {
    std::string value;
    size_t consumed = 0;
    if (args[i] == "--nproc") {
      if (i + 1 >= args.size()) throw usage_error("--nproc needs a value");
      value = args[i + 1];
      consumed = 2;
    } else if (args[i].compare(0, 8, "--nproc=") == 0) {
      value = args[i].substr(8);
      consumed = 1;
    } else {
      ++i;
      continue;
    }
    const uint32_t v = parse_u32(value, "--nproc");
    if (v < 1 || v > 1024) throw usage_error("--nproc must be between 1 and 1024");
    n = v;
    args.erase(args.begin() + std::ptrdiff_t(i), args.begin() + std::ptrdiff_t(i + consumed));
  }
  return n;
}

int launch_workers(unsigned nproc, const std::vector<std::string>& args_in) {
  std::vector<std::string> args = args_in;
  if (!has_option(args, "--threads")) {
    args.push_back("--threads");
    args.push_back(std::to_string(std::max(1u, usable_cores() / nproc)));
  }
  const uint16_t port = free_loopback_port();
  std::vector<char*> argv;
  std::string self = "/proc/self/exe";
  argv.push_back(self.data());
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  struct sigaction sa {};
  sa.sa_handler = remember_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::vector<pid_t> pids;
  for (unsigned r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (pid_t p : pids) ::kill(p, SIGTERM);
      throw usage_error(std::string("--nproc: fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
      setenv("RANK", std::to_string(r).c_str(), 1);
      setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
      signal(SIGINT, SIG_DFL);
      signal(SIGTERM, SIG_DFL);
      ::execv(argv[0], argv.data());
      std::fprintf(stderr, "nntar-train: --nproc: cannot start a worker: %s\n", std::strerror(errno));
      _exit(127);
    }
    pids.push_back(pid);
  }

  int result = 0;
  size_t running = pids.size();
  bool stopping = false;
  double stop_deadline = 0;
  std::vector<bool> done(pids.size(), false);
  while (running > 0) {
    if (g_forward_signal) {
      // Ctrl-C reaches the whole process group already when typed; a
      // SIGTERM sent to the launcher alone must be passed on.
      for (size_t i = 0; i < pids.size(); ++i)
        if (!done[i]) ::kill(pids[i], g_forward_signal);
      g_forward_signal = 0;
    }
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      for (size_t i = 0; i < pids.size(); ++i) {
        if (pids[i] != pid || done[i]) continue;
        done[i] = true;
        --running;
        const int code = status_code(status);
        if (code != 0 && result == 0) {
          result = code;
          if (running > 0 && !stopping) {
            std::fprintf(stderr, "nntar-train: worker %zu exited with status %d; stopping the others\n", i, code);
            for (size_t k = 0; k < pids.size(); ++k)
              if (!done[k]) ::kill(pids[k], SIGTERM);
            stopping = true;
            stop_deadline = now_seconds() + 60;
          }
        }
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (stopping && now_seconds() > stop_deadline) {
      for (size_t k = 0; k < pids.size(); ++k)
        if (!done[k]) ::kill(pids[k], SIGKILL);
      stop_deadline = now_seconds() + 3600;
    }
    ::usleep(20000);
  }
  return result;
}

}  // namespace nntar_train
