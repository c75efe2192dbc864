#!/usr/bin/env bash
# Quick start, step 1: installs missing dependencies, builds pylogen
# (Release) and installs it with its sample CUTs, SDK headers and CMake
# package under PREFIX (default /usr/local, so `pylogen` is on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/usr/local}

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPYLOGEN_BUILD_TESTS=OFF -DPYLOGEN_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build build

sudo=()
if [[ ! -w "$prefix" && $(id -u) -ne 0 ]]; then sudo=(sudo); fi
"${sudo[@]}" cmake --install build
echo "install: pylogen installed in $prefix/bin"
