// SPDX-License-Identifier: BSL-1.0
// The command line of the examples that take no options (built without CLI11): --help
// prints what the program does, anything else is refused, so that every example answers
// --help as README says.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace demo {

/// Exits after printing `about` for -h / --help, or an error for any other argument.
///   demo::no_options(argc, argv, "scalar_calculus: the lesson's derivatives ...");
inline void no_options(int argc, char** argv, char const* about) {
  for (int i = 1; i < argc; ++i) {
    std::string_view const a = argv[i];
    if (a == "-h" || a == "--help") {
      std::printf("%s\n\nUsage: %s [--help]\n  -h, --help  print this and exit\n", about, argv[0]);
      std::exit(0);
    }
    std::fprintf(stderr, "%s: unknown argument '%s': this example takes no options (try --help)\n",
                 argv[0], argv[i]);
    std::exit(2);
  }
}

}  // namespace demo
