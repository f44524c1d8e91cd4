// The trainer's commands; each returns the process exit status.
#pragma once

#include "config.hpp"

namespace nntar_train {

int run_training(const train_options& o);  // train_loop.cpp
int run_eval(const eval_options& o);       // eval_command.cpp
int run_info(const std::string& path);     // eval_command.cpp
int run_pack(const pack_options& o);       // pack_command.cpp
int run_version();                         // eval_command.cpp: LibTorch, devices, features

// Installs the SIGINT/SIGTERM handlers; stop_requested() then returns the
// signal number once one arrived (0 before).
void install_signal_handlers();
int stop_requested();

}  // namespace nntar_train
