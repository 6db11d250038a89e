#!/bin/sh
# SPDX-License-Identifier: BSL-1.0
# Doxygen INPUT_FILTER: puts every name of include/ctgrad/<folder>/x.hpp into the group of
# that folder (docs/groups.dox), so the reference is grouped as the folders are without
# grouping markup in each header. Line numbers are kept: the opening goes on line 1, in
# front of the SPDX comment, and the closing after the last line.
case "$1" in
  */include/ctgrad/*/*) folder=$(basename "$(dirname "$1")") ;;
  */include/ctgrad/fwd.hpp) folder=expr ;;
  */include/ctgrad/tape.hpp) folder=tape ;;
  *) cat "$1"; exit 0 ;;
esac
sed -e "1s|^|/** \\\\addtogroup $folder */ /** @{ */ |" -e "\$a /** @} */" "$1"
