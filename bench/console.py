"""What the merchant console's first page costs a browser: bytes and time to interactive.

1. Download size of the first page - the sign-in page (#/sign-in: every route sends a visitor
   without a session there; console/src/router). Each file is gzip-compressed at level 6, as
   CloudFront compresses: index.html and the JS/CSS it references directly (its script and link
   tags, parsed), then everything the page really fetched in headless Chromium (the same-origin
   responses' bodies: the entry's imports and the sign-in route's lazy chunks), and all of
   console/dist for comparison.
2. Time to interactive of the sign-in page on the local stack (infra/local/stack.py with its
   console edge, which serves console/dist with the template's headers and passes /admin/* to
   the local API): from navigation start (the Performance API's time origin) until the password
   input is visible and enabled (a MutationObserver + animation-frame check in the page records
   performance.now()), median of 5 fresh browser contexts (empty cache) after one warm-up that
   is not counted (the local API's first /admin/auth/refresh imports its handler).
   Loopback network, this machine's CPU: the figure is the page's own parse/execute/render cost,
   not a mobile network's.

The console must be built first (make console); Debian's Chromium is used, never downloaded.

  python -m bench.console
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.common import out, table

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "console" / "dist"
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
RUNS = 5
READY = "input[autocomplete='current-password']"  # the sign-in form's password input (SignIn.vue)

# Records, in page time, when the password input is first visible and enabled.
READY_SCRIPT = """
(() => {
  const check = () => {
    if (window.__benchReady !== undefined) return true;
    const el = document.querySelector(%r);
    if (el && !el.disabled && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) { window.__benchReady = performance.now(); return true; }
    }
    return false;
  };
  const frame = () => { if (!check()) requestAnimationFrame(frame); };
  new MutationObserver(() => check()).observe(document, { childList: true, subtree: true, attributes: true });
  requestAnimationFrame(frame);
})();
""" % READY


def gz(data: bytes) -> int:
    """Bytes after gzip level 6 (what CloudFront's compression is close to)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


class _Refs(HTMLParser):
    """The files index.html makes the browser fetch directly: scripts, stylesheets, preloads, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (kind, path)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(("script", a["src"] or ""))
        elif tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if rel in ("stylesheet", "modulepreload", "preload", "icon"):
                self.refs.append((rel, a["href"] or ""))


def direct_refs(index: Path) -> list[tuple[str, str]]:
    parser = _Refs()
    parser.feed(index.read_text(encoding="utf-8"))
    return [(kind, path.removeprefix("./").lstrip("/")) for kind, path in parser.refs]


def kb(n: float) -> str:
    return f"{n / 1024:.1f}"


def measure_page(browser: Any, url: str) -> dict[str, Any]:
    """One fresh context: TTI, navigation timing and every same-origin response's body."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    try:
        context.add_init_script(READY_SCRIPT)
        page = context.new_page()
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        responses: list[Any] = []
        page.on("response", lambda r: responses.append(r) if r.url.startswith(origin) else None)
        page.goto(url + "/")
        # polled from here: the template's CSP (no 'unsafe-eval') refuses wait_for_function's predicate
        deadline = time.monotonic() + 30
        while (tti := page.evaluate("window.__benchReady ?? null")) is None:
            if time.monotonic() > deadline:
                raise SystemExit(f"the sign-in form's password input never became ready at {page.url}")
            time.sleep(0.05)
        nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
            const api = performance.getEntriesByType('resource').filter(r => r.name.includes('/admin/'));
            return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, response: n.responseEnd,
                    api: api.map(r => ({name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd}))}; }""")
        hash_route = page.evaluate("location.hash")
        bodies = []
        for r in responses:
            path = urlsplit(r.url).path
            try:
                body = r.body()
            except Exception:  # noqa: BLE001 - a redirect or a body the browser did not keep
                body = b""
            bodies.append((path, r.status, body))
        return {"tti": tti, "nav": nav, "route": hash_route, "bodies": bodies}
    finally:
        context.close()


def main() -> None:
    started = time.perf_counter()
    if not (DIST / "index.html").is_file():
        sys.stderr.write(f"no built console: {DIST / 'index.html'} is missing (make console builds it)\n")
        sys.exit(1)
    if not Path(CHROMIUM).exists():
        sys.stderr.write(f"{CHROMIUM} is missing (make browser installs Debian's chromium; none is downloaded)\n")
        sys.exit(1)

    # ---- (1) from the files
    refs = direct_refs(DIST / "index.html")
    files = {p.relative_to(DIST).as_posix(): p.read_bytes() for p in sorted(DIST.rglob("*")) if p.is_file()}
    direct = [("index.html", "document")] + [(path, kind) for kind, path in refs]
    missing = [p for p, _ in direct if p not in files]
    if missing:
        sys.stderr.write(f"index.html references files that are not in dist: {missing}\n")
        sys.exit(1)

    # ---- (2) in the browser
    from playwright.sync_api import sync_playwright

    from infra.local.stack import LocalStack

    # the functions' own output (EMF lines) to stderr, so stdout holds the tables only
    stack = LocalStack(port=0, wechat_port=0, moto_port=0, seed=False, console_port=0, access_log=None,
                       function_log=sys.stderr).start()
    try:
        assert stack.console is not None
        url = stack.console.url
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                measure_page(browser, url)  # warm-up: the local API's first request imports its handler
                runs = [measure_page(browser, url) for _ in range(RUNS)]
            finally:
                browser.close()
    finally:
        stack.stop()

    first = runs[0]
    loaded = [(path, status, body) for path, status, body in first["bodies"] if not path.startswith("/admin/")]
    api = [(path, status, body) for path, status, body in first["bodies"] if path.startswith("/admin/")]
    direct_paths = {p for p, _ in direct}
    fetched = {("index.html" if path in ("/", "/index.html") else path.lstrip("/")): body for path, _, body in loaded}

    out("\nMerchant console, first page (bench/console.py): console/dist as built, gzip level 6 per file "
        "(as CloudFront compresses)\n")
    out(f"First route: {first['route']} (every route sends a visitor without a session to the sign-in page)\n")
    rows = []
    for path, kind in direct:
        raw = files[path]
        rows.append([path, kind, kb(len(raw)), kb(gz(raw))])
    d_raw = sum(len(files[p]) for p in direct_paths)
    d_gz = sum(gz(files[p]) for p in direct_paths)
    rows.append(["index.html + what it references directly", "", kb(d_raw), kb(d_gz)])
    out(table(["file", "referenced as", "KB", "KB gzip"], rows))

    out(f"\nWhat headless Chromium fetched for {first['route']} (same-origin responses, first of {RUNS} fresh "
        "contexts; bodies gzip level 6)\n")
    rows = []
    for path, body in sorted(fetched.items(), key=lambda kv: (kv[0] not in direct_paths, kv[0])):
        rows.append([path, "index.html" if path in direct_paths else "loaded by the page (imports, the route's chunks)",
                     kb(len(body)), kb(gz(body))])
    f_raw = sum(len(b) for b in fetched.values())
    f_gz = sum(gz(b) for b in fetched.values())
    rows.append(["total the sign-in page downloads", f"{len(fetched)} files", kb(f_raw), kb(f_gz)])
    extra = [p for p in fetched if p not in direct_paths]
    rows.append(["of which beyond index.html's own references", f"{len(extra)} files",
                 kb(sum(len(fetched[p]) for p in extra)), kb(sum(gz(fetched[p]) for p in extra))])
    all_raw = sum(len(b) for b in files.values())
    all_gz = sum(gz(b) for b in files.values())
    rows.append(["all of console/dist (for comparison)", f"{len(files)} files", kb(all_raw), kb(all_gz)])
    out(table(["file", "why", "KB", "KB gzip"], rows))
    out(f"- the sign-in page downloads {f_gz / all_gz:.0%} of the console's gzipped bytes; API calls it made "
        f"(not counted above): " + (", ".join(f"{path} {status}" for path, status, _ in api) or "none"))
    unfetched = [p for p in direct_paths if p not in fetched]
    if unfetched:
        out(f"- referenced by index.html but not fetched: {', '.join(sorted(unfetched))}")

    ttis = [r["tti"] for r in runs]
    dcl = [r["nav"]["dcl"] for r in runs]
    load = [r["nav"]["load"] for r in runs]
    refresh = [next((a["end"] for a in r["nav"]["api"] if a["name"].endswith("/admin/auth/refresh")), float("nan"))
               for r in runs]
    out(f"\nTime to interactive of the sign-in page (headless Chromium {VIEWPORT['width']}x{VIEWPORT['height']}, "
        f"local stack on loopback, {RUNS} fresh contexts after a warm-up; ms from navigation start)\n")
    rows = [[f"run {n + 1}", f"{r['nav']['response']:.0f}", f"{r['nav']['dcl']:.0f}", f"{r['nav']['load']:.0f}",
             f"{refresh[n]:.0f}", f"{r['tti']:.0f}"] for n, r in enumerate(runs)]
    rows.append(["median", f"{statistics.median(r['nav']['response'] for r in runs):.0f}",
                 f"{statistics.median(dcl):.0f}", f"{statistics.median(load):.0f}",
                 f"{statistics.median(refresh):.0f}", f"{statistics.median(ttis):.0f}"])
    out(table(["", "index.html received", "DOMContentLoaded", "load", "POST /admin/auth/refresh answered",
               "password input visible + enabled (TTI)"], rows))
    out(f"\nTTI median {statistics.median(ttis):.0f} ms (min {min(ttis):.0f}, max {max(ttis):.0f}); the sign-in page "
        "renders after the router's guard has asked POST /admin/auth/refresh whether a session exists.")
    out(f"\n(ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
