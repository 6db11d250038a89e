// SPDX-License-Identifier: BSL-1.0
// Writes DIR/fmnist.h and DIR/fmnist.c: codegen::c_export of bench_c::logits without values
// (the benchmark passes ctgrad's parameters to the C code), for the C compiler to build.
//   ctgrad_c_export_gen DIR
#include "c_export_net.hpp"

#include <ctgrad/codegen/c_export.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ctgrad_c_export_gen DIR\n";
    return 2;
  }
  try {
    ctgrad::codegen::c_export<float>(bench_c::logits, "fmnist").write(argv[1]);
  } catch (std::exception const& e) {
    std::cerr << "ctgrad_c_export_gen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
