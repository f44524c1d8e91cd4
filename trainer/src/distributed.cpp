// c10d process group: TCPStore rendezvous + ProcessGroupGloo collectives
// (see distributed.hpp). Built without Gloo's headers (some LibTorch bundles
// lack them), only single-process runs are possible.
#include "distributed.hpp"

#include <chrono>
#include <cstdlib>

#include "common.hpp"

#if ANN_TRAINER_HAVE_GLOO
// c10d's headers hide the Gloo backend unless the build says LibTorch has it
// (Debian's Torch CMake package does; pip's does not): the build checked.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace nntar_train {
namespace {

int env_int(const char* name, int fallback, int lo, int hi) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  const uint64_t n = parse_u64(v, std::string("environment variable ") + name);
  if (n < uint64_t(lo) || n > uint64_t(hi))
    throw usage_error(std::string("environment variable ") + name + "=" + v + " is out of range [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return int(n);
}

#if ANN_TRAINER_HAVE_GLOO

class gloo_group final : public process_group {
 public:
  gloo_group(const world_info& w, double timeout_seconds) : rank_(w.rank), size_(w.size) {
    const auto timeout = std::chrono::milliseconds(int64_t(timeout_seconds * 1000));
    c10d::TCPStoreOptions so;
    so.port = w.master_port;
    so.isServer = w.rank == 0;
    so.numWorkers = size_t(w.size);
    so.waitWorkers = true;
    so.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(w.master_addr, so);
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // GLOO_SOCKET_IFNAME picks the interface, as in torch.distributed; a
    // loopback master means one machine, where 127.0.0.1 always resolves
    // (the host name may not, in containers).
    if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
    else if (w.master_addr == "127.0.0.1" || w.master_addr == "localhost")
      options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
    else
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store, w.rank, w.size, options);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allreduce_sum(float* data, size_t n) override { reduce(wrap(data, n, at::kFloat), c10d::ReduceOp::SUM); }
  void allreduce_sum(double* data, size_t n) override { reduce(wrap(data, n, at::kDouble), c10d::ReduceOp::SUM); }
  void allreduce_max(double* data, size_t n) override { reduce(wrap(data, n, at::kDouble), c10d::ReduceOp::MAX); }

  void broadcast(float* data, size_t n, int root) override {
    std::vector<at::Tensor> t{wrap(data, n, at::kFloat)};
    c10d::BroadcastOptions o;
    o.rootRank = root;
    group_->broadcast(t, o)->wait();
  }

  void barrier() override { group_->barrier()->wait(); }

 private:
  static at::Tensor wrap(void* data, size_t n, at::ScalarType type) {
    return at::from_blob(data, {int64_t(n)}, at::TensorOptions().dtype(type));
  }
  void reduce(const at::Tensor& t, c10d::ReduceOp::RedOpType op) {
    std::vector<at::Tensor> ts{t};
    c10d::AllreduceOptions o;
    o.reduceOp = c10d::ReduceOp(op);
    group_->allreduce(ts, o)->wait();
  }

  int rank_, size_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

#endif

}  // namespace

world_info world_from_environment() {
  world_info w;
  w.size = env_int("WORLD_SIZE", 1, 1, 65536);
  w.rank = env_int("RANK", 0, 0, 65535);
  w.local_rank = env_int("LOCAL_RANK", w.rank, 0, 65535);
  if (w.rank >= w.size)
    throw usage_error("RANK=" + std::to_string(w.rank) + " is not below WORLD_SIZE=" + std::to_string(w.size));
  if (const char* a = std::getenv("MASTER_ADDR"); a && *a) w.master_addr = a;
  w.master_port = uint16_t(env_int("MASTER_PORT", 29500, 1, 65535));
  return w;
}

bool distributed_available() { return ANN_TRAINER_HAVE_GLOO != 0; }

std::unique_ptr<process_group> process_group::connect(const world_info& w, double timeout_seconds) {
#if ANN_TRAINER_HAVE_GLOO
  try {
    return std::make_unique<gloo_group>(w, timeout_seconds);
  } catch (const std::exception& e) {
    throw usage_error("rank " + std::to_string(w.rank) + " of " + std::to_string(w.size) +
                      ": cannot join the process group at " + w.master_addr + ":" +
                      std::to_string(w.master_port) + ": " + e.what());
  }
#else
  (void)timeout_seconds;
  throw usage_error("WORLD_SIZE=" + std::to_string(w.size) +
                    ": this nntar-train was built without Gloo (the LibTorch it was built against has no "
                    "gloo/ headers), so it trains in one process only");
#endif
}

}  // namespace nntar_train
