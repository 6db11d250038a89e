// SPDX-License-Identifier: BSL-1.0
// Writing a whole file so that a crash never leaves half of it: the bytes go to path.tmp,
// are flushed and fsync'ed, and only then renamed over path (rename is atomic on POSIX).
// Shared by every ctgrad writer (io::save, io::save_safetensors).
#pragma once

#include <ctgrad/io/file.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace ctgrad::io::detail {

/// Replaces path by bytes, atomically; who (e.g. "ctgrad::io::save") starts any error.
inline void write_file_atomically(std::string const& path, std::vector<unsigned char> const& bytes,
                                  char const* who) {
  std::string const tmp = path + ".tmp";
  std::string const start = std::string(who) + "(\"" + path + "\"): ";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw error(start + "cannot create \"" + tmp + "\": " + std::strerror(errno));
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size() && std::fflush(f) == 0;
#if defined(__unix__) || defined(__APPLE__)
  ok = ok && ::fsync(fileno(f)) == 0;  // on disk before the rename makes it visible
#endif
  int const saved_errno = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    throw error(start + "writing \"" + tmp + "\" failed: " + std::strerror(saved_errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw error(start + "cannot replace it: " + ec.message());
  }
}

}  // namespace ctgrad::io::detail
