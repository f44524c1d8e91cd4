// `nntar-train --nproc N ...`: starts N worker processes of this program on
// this machine, joined over loopback (RANK, WORLD_SIZE, MASTER_ADDR,
// MASTER_PORT, LOCAL_RANK), the way torchrun does for torch.distributed.
#pragma once

#include <string>
#include <vector>

namespace nntar_train {

// Finds "--nproc N" / "--nproc=N" in args and removes it; returns N, or 0
// when absent. Throws usage_error for a bad value.
unsigned take_nproc_option(std::vector<std::string>& args);

// Runs `nproc` copies of this executable with `args` (argv without the
// program name and without --nproc), forwarding SIGINT/SIGTERM to them.
// When one fails, the others are stopped. Returns the exit status: 0 when
// all succeed, else the first failure's (128 + signal for a killed worker).
// Workers without an explicit --threads get the machine's cores / nproc.
int launch_workers(unsigned nproc, const std::vector<std::string>& args);

}  // namespace nntar_train
