"""Preview of the web edition: build, serve the folder on 127.0.0.1, rebuild when content changes.

The watch loop polls the modification times of the content and organisation folders (no
extra dependency, works on every file system); after a change it rebuilds and rewrites only
the files whose bytes changed, so an open page reloads what is new.
"""
from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from kit.errors import ContentError

from .build import build_site, write_site


def snapshot(roots) -> dict:
    """Modification time and size of every file under the given folders."""
    seen = {}
    for root in roots:
        for path in Path(root).rglob("*"):
            try:
                if path.is_file():
                    st = path.stat()
                    seen[str(path)] = (st.st_mtime_ns, st.st_size)
            except OSError:
                continue
    return seen


def rebuild(places, kit_names, out_dir, base_url, say=print) -> bool:
    """Build and write what changed; on bad input print the problems and keep the old site."""
    try:
        site = build_site(places, kit_names, base_url)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        say("not rebuilt: fix the problems above; the previous pages are still served")
        return False
    changed = write_site(site, out_dir, only_changed=True)
    say(f"rebuilt: {len(changed)} file{'s' if len(changed) != 1 else ''} changed"
        + (f" ({', '.join(changed[:5])}{', ...' if len(changed) > 5 else ''})" if changed else ""))
    return True


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the terminal for build messages
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(places, kit_names, out_dir: Path, port: int = 8000, base_url: str | None = None,
          interval: float = 1.0, say=print, stop: threading.Event | None = None) -> None:
    """Build the site, serve it on 127.0.0.1:port and rebuild it when a content file changes."""
    site = build_site(places, kit_names, base_url)  # bad input: exit 2 before serving
    write_site(site, out_dir)
    handler = functools.partial(_Handler, directory=str(out_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    say(f"serving {out_dir}/ at http://127.0.0.1:{server.server_port}/ (Ctrl-C to stop); "
        "watching the content for changes")
    stop = stop or threading.Event()
    roots = [r for r in places.roots if r is not None]
    before = snapshot(roots)
    try:
        while not stop.wait(interval):
            now = snapshot(roots)
            if now != before:
                before = now
                rebuild(places, kit_names, out_dir, base_url, say)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        server.shutdown()
        server.server_close()
