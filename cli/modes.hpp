// One function per mode (bsdtar's tar_mode_c/x/t), each returning an exit code.
#pragma once

#include "display.hpp"
#include "options.hpp"

namespace nntar {

int mode_create(const options& o, display& out);
int mode_extract(const options& o, display& out);  // also --test
int mode_list(const options& o, display& out);
int mode_list_models(const options& o, display& out);
int mode_model_info(const options& o, display& out);

// Whether path is one of the named members or below one (all when none are
// named; with o.wildcards the members are globs) and not excluded (--exclude).
bool member_selected(const options& o, const std::vector<std::string>& members, const std::string& path);

// --model: the built-in default, none, or a file. Fails only for a bad file.
archive_nn::result<archive_nn::model_handle> select_model(const options& o);

}  // namespace nntar
