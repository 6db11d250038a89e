#!/bin/sh
# SPDX-License-Identifier: BSL-1.0
# Doxygen INPUT_FILTER: puts every name of include/ctgrad/<folder>/x.hpp into the group of
# that folder (docs/groups.dox), so the reference is grouped as the folders are without
# grouping markup in each header. Doxygen adds a namespace's members to a group only when
# the group is opened inside the namespace, so the group is opened at the end of each
# (non-detail) namespace's opening line and closed before its closing line; the whole file
# is in the group too, for its macros. Line numbers are kept.
case "$1" in
  */include/ctgrad/*/*) folder=$(basename "$(dirname "$1")") ;;
  */include/ctgrad/fwd.hpp) folder=expr ;;
  */include/ctgrad/tape.hpp) folder=tape ;;
  *) cat "$1"; exit 0 ;;
esac
awk -v g="$folder" '
  NR == 1 { printf "/** \\addtogroup %s */ /** @{ */ ", g }
  /^namespace [A-Za-z_:]+ \{/ && !/detail/ { print $0 " /** \\addtogroup " g " */ /** @{ */"; next }
  /^\}  \/\/ namespace/ && !/detail/ { print "/** @} */ " $0; next }
  { print }
  END { print "/** @} */" }
' "$1"
