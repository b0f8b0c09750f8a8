#!/usr/bin/env bash
# Installs, from Debian 12's own archive, every package the build, the data,
# the tests and the main job need. Idempotent: installs only what is missing.
#   scripts/bootstrap.sh           install what is missing (as root, or with sudo)
#   scripts/bootstrap.sh --check   exit 0 when nothing is missing, 1 otherwise
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # libraries
  libtorch-dev libopenblas0-pthread   # OpenBLAS: LibTorch is ~15x slower on the reference BLAS
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libabsl-dev libssl-dev libeigen3-dev prometheus-cpp-dev libgoogle-glog-dev librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev libpng-dev
  # second-language client and end-to-end tools
  python3 python3-grpcio python3-protobuf python3-grpc-tools prometheus curl
  # data: MovieLens ratings (r-cran-dslabs) and Fashion-MNIST
  r-cran-dslabs dataset-fashion-mnist
  # deploy/ checks (tests/deploy): YAML linter, PyYAML for /usr/bin/python3,
  # Compose (validates deploy/compose.yaml; needs no Docker daemon for that)
  yamllint python3-yaml docker-compose
)
# kubectl renders deploy/k8s (`kubectl kustomize`). Debian's kubernetes-client
# only where no kubectl is installed: it conflicts with other kubectl packages
# (e.g. Google's), and any kubectl >= 1.20 does.
command -v kubectl >/dev/null || packages+=(kubernetes-client)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$package")
  fi
done

if [[ ${1:-} == --check ]]; then
  if ((${#missing[@]})); then
    echo "bootstrap: missing packages: ${missing[*]}" >&2
    exit 1
  fi
  exit 0
fi

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#packages[@]} packages are installed"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "bootstrap: run as root or install sudo" >&2; exit 1; }
  sudo=(sudo)
fi
echo "bootstrap: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "bootstrap: done"
