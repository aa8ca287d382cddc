# Sourced by .ci/run and scripts/demo: exports JAVA_HOME (and PATH) for a JDK 21 or newer, keeping
# the caller's JAVA_HOME when it already is one; fails with a clear message when none is installed.

jdk_is_21_plus() {
  local major
  major=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [[ -n "$major" && "$major" -ge 21 ]]
}

pick_jdk() {
  local candidate
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/javac" ]] && jdk_is_21_plus "$JAVA_HOME/bin/java"; then
    :
  elif command -v javac >/dev/null && jdk_is_21_plus "$(command -v java)"; then
    JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  else
    JAVA_HOME=
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
      if [[ -x "$candidate/bin/javac" ]] && jdk_is_21_plus "$candidate/bin/java"; then
        JAVA_HOME=$candidate
        break
      fi
    done
    if [[ -z "$JAVA_HOME" ]]; then
      echo "no JDK 21 or newer found (JAVA_HOME, PATH, /usr/lib/jvm); install one and set JAVA_HOME" >&2
      return 1
    fi
  fi
  export JAVA_HOME
  export PATH="$JAVA_HOME/bin:$PATH"
}
