# Sourced by ./parley and ./test: sets JAVA_HOME to a JDK of version 21 or newer.
# The java on PATH may be older, so JAVA_HOME is tried first, then every JDK under /usr/lib/jvm.

jdk_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      return 0
    fi
  done
  echo "parley: no JDK 21 or newer found. Install one (for example Temurin 21) under /usr/lib/jvm, or set JAVA_HOME to it." >&2
  return 1
}
