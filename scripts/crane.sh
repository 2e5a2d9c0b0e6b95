#!/usr/bin/env bash
# crane (github.com/google/go-containerregistry) for the tests: its `crane registry serve` is a
# small in-memory OCI registry, and `crane push` puts a locally built image into it, so that the
# real nodes' containerd pulls an image from a registry (over plain HTTP on localhost, as
# containerd does for localhost) and meshbench's digest pinning is tested for real. No test pulls
# from any registry elsewhere.
#
#   scripts/crane.sh build   builds it into the cache once (about a minute), then prints its path
#   scripts/crane.sh path    prints its path; exit 1 when it is not built
set -euo pipefail
VERSION=v0.22.1
DEST="${XDG_CACHE_HOME:-$HOME/.cache}/meshbench/crane-$VERSION"
built() { [[ -x $DEST/crane ]] && [[ $("$DEST/crane" version 2>/dev/null) == "$VERSION" ]]; }
case "${1:-}" in
  build)
    if ! built; then
      go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
      mkdir -p "$DEST"
      GOBIN=$DEST CGO_ENABLED=0 nice "$go" install "github.com/google/go-containerregistry/cmd/crane@$VERSION" >&2
      built || { echo "crane $VERSION did not build into $DEST" >&2; exit 1; }
    fi
    echo "$DEST/crane"
    ;;
  path)
    built || { echo "crane is not built: ./scripts/setup.sh --test (or scripts/crane.sh build)" >&2; exit 1; }
    echo "$DEST/crane"
    ;;
  *)
    echo "usage: scripts/crane.sh build|path" >&2
    exit 2
    ;;
esac
