#include "cleanup.hpp"

#include <unistd.h>

#include <csignal>
#include <cstring>

namespace nntar {
namespace {

struct slot_state {
  char path[4096];
  volatile std::sig_atomic_t valid;
};
slot_state slots[2];

extern "C" void on_signal(int sig) {
  for (slot_state& s : slots)
    if (s.valid) unlink(s.path);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

void install_cleanup_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
  }
}

void set_temp(temp_slot which, const std::string& path) {
  slot_state& s = slots[static_cast<int>(which)];
  s.valid = 0;  // the handler never sees a half-copied path
  if (path.size() >= sizeof s.path) return;
  std::memcpy(s.path, path.c_str(), path.size() + 1);
  s.valid = 1;
}

void clear_temp(temp_slot which) { slots[static_cast<int>(which)].valid = 0; }

}  // namespace nntar
