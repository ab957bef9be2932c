# Sourced by tests/run and packaging/run-from-source: installs what Huddle needs on Debian.
#
#   ensure_apt PKG...      install missing Debian packages (as root, or through sudo -n)
#   ensure_venv EXTRA      create .venv and install the project with that extra
#                          (engine, ui, test, package), pinned by packaging/constraints.txt
#
# Both are quick no-ops when everything is already in place.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${HUDDLE_VENV:-$ROOT/.venv}"

# Libraries the app loads at run time: PortAudio, Qt's xcb platform, fonts for 简体中文.
RUNTIME_APT=(
    libportaudio2 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0
    libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0
    fonts-noto-cjk fonts-noto-color-emoji
)
# What the tests add: real audio devices (PulseAudio null sink and sine source, reached
# through the ALSA pulse plugin), a real X server for screenshots, the .desktop validator,
# a real browser for the JavaScript SDK and the web app (driven headless over CDP), Janus (the
# SFU tests start it), iproute2 (its test interface); speech for the voice tests and benchmark,
# nftables for its packet loss.
TEST_APT=(
    pulseaudio pulseaudio-utils libasound2-plugins xvfb desktop-file-utils chromium janus iproute2
    espeak-ng nftables
)
# What building the .deb needs.
PACKAGE_APT=(dpkg-dev fakeroot desktop-file-utils)

_say() { printf 'huddle-setup: %s\n' "$*" >&2; }

ensure_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo -n)
        else
            _say "missing Debian packages (install them as root): ${missing[*]}"
            return 1
        fi
    fi
    _say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# pip, quiet, without the warnings some machines' pip.conf adds about missing local indexes.
_pip() {
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$@" 2> >(
        grep -v -e "^WARNING: Location 'file:" -e "BuildBackendWarning" >&2
    )
}

ensure_venv() {
    local extra="$1"
    local python="${PYTHON:-python3}"
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        _say "Python 3.11 or newer is needed (found: $("$python" --version 2>&1))"
        return 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        _say "creating $VENV"
        "$python" -m venv "$VENV" 2>/dev/null || {
            ensure_apt python3-venv && "$python" -m venv "$VENV"
        }
    fi
    # Reinstall only when the dependencies or the extra asked for changed.
    local stamp="$VENV/.huddle-$extra"
    local want
    want="$(cat "$ROOT/pyproject.toml" "$ROOT/packaging/constraints.txt" | sha256sum | cut -c1-16)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        _say "installing Python packages (.[$extra])"
        _pip install --upgrade pip
        _pip install -c "$ROOT/packaging/constraints.txt" -e "$ROOT[$extra]"
        echo "$want" > "$stamp"
    fi
    if [ "$extra" != engine ]; then
        # The UI's translations: compiled from resources/translations/*.ts (quick).
        "$VENV/bin/python" -m app.ui.i18n build >/dev/null
    fi
}
