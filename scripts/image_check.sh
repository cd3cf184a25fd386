#!/usr/bin/env bash
# `make image-check`: build the Dockerfile and run its container against the local PostgreSQL.
#
# No public base image can be pulled here, so the base the Dockerfile names (its FROM) is
# stood in for by a local image built from Debian 12's packages: debootstrap with Debian's
# python3.11 and pip (pip installs into the system Python, as in the official image).
# The engine is Debian's docker.io, started here if none runs (vfs storage, no bridge, no
# iptables: what works inside a container or VM); every container uses the host's network
# and talks only to 127.0.0.1.
#
# The check: the image builds; the container migrates a fresh database on the local
# PostgreSQL (IMAGE_CHECK_SERVER_URL, default postgresql://postgres@127.0.0.1:5432/test:
# any database of the server, the check creates and drops its own), loads the demo
# (`valuecalc seed-demo`), serves with 2 workers as a non-root user, answers /readyz and
# the demo tracker's report with the demo's key (the seed's $109,000.00 realized by
# March), and stops cleanly on SIGTERM (`docker stop`).
#
# Where no Docker engine can run it says why and exits 0 with "SKIPPED" (CI may skip it);
# any other failure exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVER_URL=${IMAGE_CHECK_SERVER_URL:-postgresql://postgres@127.0.0.1:5432/test}
PORT=${IMAGE_CHECK_PORT:-18765}
WORK=${IMAGE_CHECK_WORK:-/var/tmp/valuecalc-image-check}
IMAGE=valuecalc:image-check
CONTAINER=valuecalc-image-check
DATABASE=valuecalc_image_check
BASE=$(awk 'toupper($1) == "FROM" {print $2; exit}' Dockerfile)
MIRROR=${IMAGE_CHECK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SOCKET="$WORK/docker.sock"
export PGOPTIONS="-c client_min_messages=warning"
mkdir -p "$WORK"

say() { echo "image-check: $*"; }
skip() { say "SKIPPED: $*"; exit 0; }
fail() { say "FAILED: $*"; exit 1; }

# --- 1. docker.io and debootstrap, from Debian ------------------------------------------
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    [ "$(id -u)" = 0 ] || skip "dockerd/debootstrap are not installed, and installing them needs root"
    say "installing docker.io and debootstrap from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null \
        || skip "apt-get could not install docker.io and debootstrap"
fi

# --- 2. an engine: ours, on our own socket ------------------------------------------------
export DOCKER_HOST="unix://$SOCKET"
STARTED_ENGINE=""
stop_engine() {
    if [ -n "$STARTED_ENGINE" ]; then
        kill "$STARTED_ENGINE" 2>/dev/null || true
        wait "$STARTED_ENGINE" 2>/dev/null || true
    fi
}
cleanup() {
    docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
    psql -q "$SERVER_URL" -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1 || true
    stop_engine
}
trap cleanup EXIT

if ! docker info >/dev/null 2>&1; then
    say "starting dockerd (log: $WORK/dockerd.log)"
    dockerd --host "$DOCKER_HOST" --data-root "$WORK/docker" --exec-root "$WORK/exec" \
        --pidfile "$WORK/dockerd.pid" --storage-driver vfs --iptables=false --bridge=none \
        >"$WORK/dockerd.log" 2>&1 &
    STARTED_ENGINE=$!
    for _ in $(seq 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$STARTED_ENGINE" 2>/dev/null || break
        sleep 1
    done
    if ! docker info >/dev/null 2>&1; then
        STARTED_ENGINE=""
        skip "no Docker engine can run here: $(grep -iE 'level=(error|fatal)|failed' "$WORK/dockerd.log" | tail -3)"
    fi
fi

# --- 3. the base image's local stand-in ---------------------------------------------------
if ! docker image inspect "$BASE" >/dev/null 2>&1; then
    say "building a stand-in for $BASE from Debian 12 (debootstrap, python3.11)"
    ROOTFS="$WORK/rootfs"
    rm -rf "$ROOTFS"
    debootstrap --variant=minbase --include=python3.11,python3-pip,python3-venv,ca-certificates,passwd \
        bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
        || fail "debootstrap failed: $(tail -3 "$WORK/debootstrap.log")"
    ln -sf python3 "$ROOTFS/usr/bin/python"
    ln -sf pip3 "$ROOTFS/usr/bin/pip"
    rm -f "$ROOTFS"/usr/lib/python3.11/EXTERNALLY-MANAGED  # pip installs system-wide, as in python:*
    # This machine's certificate authorities, so pip in the build trusts what pip here trusts.
    cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/usr/share/doc/*
    tar -C "$ROOTFS" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["python3"]' - "$BASE" >/dev/null
    rm -rf "$ROOTFS"
fi

# --- 4. the image --------------------------------------------------------------------------
say "building $IMAGE from the Dockerfile"
docker build --network host -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
    || fail "docker build failed: $(tail -5 "$WORK/build.log")"

# --- 5. the container, against the local PostgreSQL -----------------------------------------
psql -q "$SERVER_URL" -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" -c "CREATE DATABASE $DATABASE" \
    >/dev/null || fail "cannot create $DATABASE on $SERVER_URL"
DATABASE_URL=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$SERVER_URL" "$DATABASE")
PEPPER=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
run() {
    docker run --rm --network host -e DATABASE_URL="$DATABASE_URL" \
        -e VALUECALC_KEY_PEPPER="$PEPPER" "$IMAGE" "$@"
}

say "valuecalc migrate"
run valuecalc migrate
DEMO=$(run valuecalc seed-demo)
KEY=$(grep -oE 'vc_live_[A-Za-z0-9_-]+' <<<"$DEMO" | head -1)
TRACKER=$(grep -oE 'Demo Value Tracker: [0-9a-f-]{36}' <<<"$DEMO" | awk '{print $4}')
[ -n "$KEY" ] && [ -n "$TRACKER" ] || fail "seed-demo printed no key or tracker: $DEMO"

say "valuecalc serve (2 workers) on 127.0.0.1:$PORT"
docker run -d --name "$CONTAINER" --network host -e DATABASE_URL="$DATABASE_URL" \
    -e VALUECALC_KEY_PEPPER="$PEPPER" -e VALUECALC_HOST=127.0.0.1 -e VALUECALC_PORT="$PORT" \
    -e VALUECALC_WORKERS=2 "$IMAGE" >/dev/null
BASE_URL="http://127.0.0.1:$PORT"
for _ in $(seq 90); do
    curl -fsS "$BASE_URL/readyz" >/dev/null 2>&1 && break
    [ "$(docker inspect -f '{{.State.Running}}' "$CONTAINER")" = true ] || break
    sleep 1
done
curl -fsS "$BASE_URL/readyz" || fail "not ready: $(docker logs "$CONTAINER" 2>&1 | tail -20)"
echo

USER_ID=$(docker exec "$CONTAINER" id -u)
[ "$USER_ID" != 0 ] || fail "the container runs as root"
say "serving as uid $USER_ID ($(docker exec "$CONTAINER" id -un))"

REPORT=$(curl -fsS -H "Authorization: Bearer $KEY" "$BASE_URL/v1/trackers/$TRACKER/report?as_of=2026-03") \
    || fail "the report failed"
REALIZED=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["totals"]["realized"])' <<<"$REPORT")
[ "$REALIZED" = "109000.00" ] || fail "the demo report says realized $REALIZED, not 109000.00"
say "report with the demo key: realized $REALIZED (the seed's \$109,000 by March)"
curl -fsS "$BASE_URL/docs" | grep -q '/docs-assets/swagger-ui-bundle.js' || fail "/docs does not use local assets"
docker logs "$CONTAINER" 2>&1 | grep -q '"event": "request"' || fail "no JSON request log line"

say "docker stop (SIGTERM)"
docker stop -t 30 "$CONTAINER" >/dev/null
STATUS=$(docker inspect -f '{{.State.ExitCode}}' "$CONTAINER")
[ "$STATUS" = 0 ] || fail "the container exited with $STATUS on SIGTERM: $(docker logs "$CONTAINER" 2>&1 | tail -10)"
say "OK: built, migrated, ready, report served, non-root, clean stop"
