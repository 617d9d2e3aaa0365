#!/bin/sh
# cmake/not-built-here.sh PROGRAM IMAGE COMPILER-COMMAND...: the compile launcher of
# the add_executable() targets of an image in SDK mode (platform/image.cmake). Their
# programs are compiled and linked by the Makefile when the image target is built,
# so a direct build of the target says which one to build instead.
echo "error: $1 is built with its image: cmake --build <build> --target $(echo "$2" | sed 's/,/ or /g') (docs/SDK.md)" >&2
exit 1
