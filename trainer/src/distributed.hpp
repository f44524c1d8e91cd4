// Data-parallel training over c10d, LibTorch's own distributed engine (the
// one torch.distributed uses): a TCPStore for the rendezvous and a Gloo
// process group for the collectives. The interface is torch-free so that
// only distributed.cpp pays for the c10d and Gloo headers.
//
// The world comes from the environment variables every launcher sets
// (torchrun, mpirun wrappers, Slurm scripts, `nntar-train --nproc N`):
// RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT and optionally LOCAL_RANK.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace nntar_train {

struct world_info {
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  std::string master_addr = "127.0.0.1";
  uint16_t master_port = 29500;
  bool distributed() const { return size > 1; }
};

// Reads RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT/LOCAL_RANK. Without
// WORLD_SIZE (or WORLD_SIZE=1) the run is a single process. Throws
// usage_error for inconsistent values (rank outside [0, size), bad port).
world_info world_from_environment();

// True when this build has Gloo (the c10d CPU backend); LibTorch bundles
// without its headers build a trainer that runs single-process only.
bool distributed_available();

// A connected group of `size` processes. Every member must make the same
// calls in the same order (collectives block until all arrive).
class process_group {
 public:
  // Connects to the group (rank 0 hosts the store at MASTER_ADDR:MASTER_PORT);
  // waits up to timeout_seconds for everyone. Throws usage_error when this
  // build has no distributed backend.
  static std::unique_ptr<process_group> connect(const world_info& w, double timeout_seconds);
  virtual ~process_group() = default;

  virtual int rank() const = 0;
  virtual int size() const = 0;
  // In place, element-wise over all ranks.
  virtual void allreduce_sum(float* data, size_t n) = 0;
  virtual void allreduce_sum(double* data, size_t n) = 0;
  virtual void allreduce_max(double* data, size_t n) = 0;
  // Copies root's data to every rank.
  virtual void broadcast(float* data, size_t n, int root) = 0;
  virtual void barrier() = 0;
};

}  // namespace nntar_train
