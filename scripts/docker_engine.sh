#!/usr/bin/env bash
# A Docker engine and the debian:bookworm-slim base image for the compose
# test, on a machine that may have neither.
#
#   docker_engine.sh up STATE_DIR    install docker.io/docker-compose if missing,
#                                    start dockerd unless one answers, build the
#                                    base image with debootstrap if it is absent
#   docker_engine.sh down STATE_DIR  stop the dockerd that `up` started (by pid)
#
# STATE_DIR remembers what `up` started, so `down` ends only that. The engine's
# networks stay in 198.18.0.0/15 (bridge 198.19.255.1/24, pool 198.19.0.0/16).
set -euo pipefail

cmd="${1:-}"
state="${2:-}"
[ -n "$cmd" ] && [ -n "$state" ] || { echo "usage: $0 up|down STATE_DIR" >&2; exit 2; }
mkdir -p "$state"

log() { echo "docker_engine: $*" >&2; }

install_missing() {
  local missing=()
  for p in docker.io docker-compose debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Debian's own client: another `docker` earlier on PATH may be of another version.
docker_cli() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else docker "$@"; fi
}

start_engine() {
  if docker_cli info >/dev/null 2>&1; then
    log "a Docker engine already runs; using it"
    return 0
  fi
  log "starting dockerd"
  # Remember whether the default bridge is ours to remove afterwards.
  [ -e /sys/class/net/docker0 ] || touch "$state/made_docker0"
  dockerd --bip 198.19.255.1/24 --default-address-pool base=198.19.0.0/16,size=24 \
    >"$state/dockerd.log" 2>&1 &
  echo $! >"$state/dockerd.pid"
  for _ in $(seq 1 60); do
    docker_cli info >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null || break
    sleep 1
  done
  log "dockerd did not come up; its log:"
  tail -20 "$state/dockerd.log" >&2
  return 1
}

base_image() {
  if docker_cli image inspect debian:bookworm-slim >/dev/null 2>&1; then return 0; fi
  if timeout 60 docker_cli pull -q debian:bookworm-slim >/dev/null 2>&1; then return 0; fi
  local mirror root
  mirror=$(bash "$(dirname "$0")/debian_mirror.sh")
  [ -n "$mirror" ] || { log "no Debian mirror in /etc/apt sources"; return 1; }
  root="$state/rootfs"
  rm -rf "$root"
  log "building debian:bookworm-slim with debootstrap from $mirror (about a minute)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$state/debootstrap.log" 2>&1 ||
    { tail -20 "$state/debootstrap.log" >&2; return 1; }
  tar -C "$root" -c . | docker_cli import - debian:bookworm-slim >/dev/null
  rm -rf "$root"
}

case "$cmd" in
  up)
    install_missing
    start_engine
    base_image
    ;;
  down)
    if [ -f "$state/dockerd.pid" ]; then
      pid=$(cat "$state/dockerd.pid")
      if kill -0 "$pid" 2>/dev/null; then
        log "stopping the dockerd it started (pid $pid)"
        kill "$pid"
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      fi
      rm -f "$state/dockerd.pid"
    fi
    if [ -f "$state/made_docker0" ]; then
      ip link del docker0 2>/dev/null || true
      rm -f "$state/made_docker0"
    fi
    ;;
  *)
    echo "usage: $0 up|down STATE_DIR" >&2
    exit 2
    ;;
esac
