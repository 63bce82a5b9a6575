"""The route table of the fallback function (functions/system/fallback/routes.json), generated from
template.yaml so that a wrong method on a known path answers 405 with the right Allow header.

  python -m infra.tools.routes --write   regenerate
  python -m infra.tools.routes           exit 1 if the committed file is out of date
"""

from __future__ import annotations

import json
import sys

from infra.local.template import ROOT, Template

ROUTES_FILE = ROOT / "functions" / "system" / "fallback" / "routes.json"


def render(template: Template | None = None) -> str:
    routes = [r for r in (template or Template()).routes() if r.path != "$default"]
    table = sorted(({"method": r.method, "path": r.path} for r in routes), key=lambda r: (r["path"], r["method"]))
    return json.dumps(table, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv:
        ROUTES_FILE.write_text(text, "utf-8")
        return 0
    if ROUTES_FILE.read_text("utf-8") != text:
        print(f"{ROUTES_FILE} is out of date: run make openapi", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
