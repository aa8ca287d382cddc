# Sourced by scripts/emulator and scripts/check-templates: a Python venv under .venv/ built from a
# fully pinned requirements file, and rebuilt whenever that file (or the Python it was built with)
# changes. The caller defines fail() (print the message, exit 1).

# The interpreter to build a venv with: the command in the variable named $1 (default python3),
# which must be Python 3.10 or newer.
pinned_venv_python() {
    local setting=$1
    local python=${!setting:-python3}
    command -v "$python" >/dev/null 2>&1 || fail "$python not found; install Python 3.10+ or set $setting"
    "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
        || fail "$python is $("$python" --version 2>&1); Python 3.10+ is needed (set $setting)"
    echo "$python"
}

# ensure_pinned_venv VENV REQUIREMENTS PYTHON PROBE_MODULE LABEL
# Keeps VENV as built from REQUIREMENTS with PYTHON; PROBE_MODULE must import in it.
ensure_pinned_venv() {
    local venv=$1 requirements=$2 python=$3 probe=$4 label=$5
    local stamp="$venv/.drift-deploy-requirements" fingerprint
    # What the venv was built from: the requirements file and the interpreter's version.
    fingerprint=$({ sha256sum "$requirements" | cut -d' ' -f1; "$python" --version 2>&1; } | sha256sum | cut -d' ' -f1)
    if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]] \
        && "$venv/bin/python" -c "import $probe" >/dev/null 2>&1; then
        return
    fi
    echo "$label: building $venv from $(basename "$requirements")" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" >&2 || fail "could not create the venv $venv (is python3-venv installed?)"
    # Every package is pinned in the file, so --no-deps installs exactly it and pip check
    # fails if the file ever lacks a dependency.
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$requirements" >&2 \
        || { rm -rf "$venv"; fail "installing $requirements failed"; }
    "$venv/bin/python" -m pip check >&2 || { rm -rf "$venv"; fail "$requirements is not complete (pip check)"; }
    echo "$fingerprint" >"$stamp"
}
