"""The shop front end's builds (make miniprogram): the mp-weixin package within WeChat's size limits
(main package and each subpackage at most 2 MB, all of them at most 20 MB), every page of
src/pages.json in it, and the H5 build loadable from any path (relative assets)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from infra.local.template import ROOT

MP = ROOT / "miniprogram"
WEIXIN = MP / "dist" / "build" / "mp-weixin"
H5 = MP / "dist" / "build" / "h5"
MB = 1024 * 1024


def _built(folder: Path) -> Path:
    assert folder.is_dir(), f"{folder.relative_to(ROOT)} is missing: run `make miniprogram` (make test does)"
    return folder


def _pages_json() -> dict:
    # pages.json may hold comments in uni-app; ours is plain JSON
    return json.loads((MP / "src" / "pages.json").read_text("utf-8"))


def test_the_mp_weixin_packages_are_within_wechats_size_limits() -> None:
    root = _built(WEIXIN)
    app = json.loads((root / "app.json").read_text("utf-8"))
    subpackages = [s["root"].strip("/") for s in app.get("subPackages", app.get("subpackages", []))]
    sizes = {name: 0 for name in ["main", *subpackages]}
    for path in root.rglob("*"):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            owner = next((s for s in subpackages if relative.startswith(f"{s}/")), "main")
            sizes[owner] += path.stat().st_size
    assert sizes["main"] <= 2 * MB, sizes
    assert all(size <= 2 * MB for size in sizes.values()), sizes
    assert sum(sizes.values()) <= 20 * MB, sizes
    assert sizes["main"] > 10_000  # a real build, not an empty folder


def test_every_page_of_pages_json_is_in_the_mp_weixin_build() -> None:
    root = _built(WEIXIN)
    app = json.loads((root / "app.json").read_text("utf-8"))
    declared = _pages_json()
    wanted = [p["path"] for p in declared["pages"]]
    wanted += [f"{s['root']}/{p['path']}" for s in declared.get("subPackages", []) for p in s["pages"]]
    built = list(app["pages"]) + [f"{s['root']}/{p}" for s in app.get("subPackages", []) for p in s["pages"]]
    assert built == wanted
    for page in built:
        for ext in (".js", ".json", ".wxml"):
            assert (root / f"{page}{ext}").is_file(), f"{page}{ext}"


def test_the_h5_build_loads_its_assets_relative_to_its_page() -> None:
    index = (_built(H5) / "index.html").read_text("utf-8")
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', index)
    assert assets and all(a.startswith("./assets/") for a in assets), assets
    assert all((H5 / a).is_file() for a in assets)


def test_the_mp_weixin_build_calls_its_api_base_and_opens_in_devtools_as_its_settings_say() -> None:
    root = _built(WEIXIN)
    config = json.loads((root / "project.config.json").read_text("utf-8"))
    code = "\n".join(p.read_text("utf-8") for p in root.rglob("*.js"))
    bases = set(re.findall(r"https?://[A-Za-z0-9.:\[\]-]+", (root / "api" / "http.js").read_text("utf-8")))
    assert len(bases) == 1, bases  # the API's base URL (MP_API_BASE) is compiled into the client, and only it
    base = bases.pop()
    # a plain-http API (make dev's) can never be a 合法域名: DevTools opens with 不校验合法域名 on
    assert config["setting"]["urlCheck"] is base.startswith("https://"), (base, config["setting"])
    assert re.fullmatch(r"wx[0-9a-f]{16}|touristappid", config["appid"]), config["appid"]
    assert "AppSecret" not in code and "apiclient_key" not in code  # nothing secret in the app
