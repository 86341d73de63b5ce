#!/usr/bin/env bash
# Runs tests/keyring.rs against real keyrings: the kernel keyring directly, then the Secret
# Service of a gnome-keyring daemon on a private D-Bus session bus. V360_KEYRING_TESTS=required
# makes a missing backend fail the run instead of being skipped.
#
# It uses `cargo test --locked` with the default profile, so it reuses the main test build.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# keyutils provides keyctl, which the later-process test uses to start a new session keyring;
# gnome-keyring provides the Secret Service and dbus-run-session a private session bus.
missing=()
command -v keyctl >/dev/null 2>&1 || missing+=(keyutils)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus)
if [ "${#missing[@]}" -gt 0 ]; then
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}"
fi

export V360_KEYRING_TESTS=required

echo "keyring: kernel keyring"
env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR V360_KEYRING_EXPECT=kernel \
    cargo test --locked --test keyring

echo "keyring: Secret Service (gnome-keyring)"
# The daemon keeps its login keyring in a throwaway XDG_DATA_HOME and is unlocked with a
# throwaway password; it exits with the session bus.
env -u XDG_RUNTIME_DIR V360_KEYRING_EXPECT=secret-service dbus-run-session -- sh -c '
    set -e
    export XDG_DATA_HOME="$(mktemp -d)"
    eval "$(printf "ci-only-password" | gnome-keyring-daemon --unlock --components=secrets)"
    cargo test --locked --test keyring
'
