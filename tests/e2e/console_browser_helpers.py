"""Helpers of the merchant console's browser tests (tests/e2e/test_console_browser.py): what the
browser logged on each page, reading figures as the console prints them, screenshots."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from infra.local.template import ROOT

BEIJING = timedelta(hours=8)  # Asia/Shanghai: UTC+8, no daylight saving


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("MINISHOP_ARTIFACTS") or ROOT / "test-artifacts" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def yuan(fen: int) -> str:
    """As console/src/utils/format.js yuan() prints it: 123456 -> "¥1,234.56"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def fen_of(text: str) -> int:
    """ "¥1,234.56" -> 123456 (integer math, as the console reads money)."""
    m = re.fullmatch(r"\s*(-?)¥([\d,]+)\.(\d{2})\s*", text)
    assert m, f"not an amount in yuan: {text!r}"
    return (-1 if m[1] else 1) * (int(m[2].replace(",", "")) * 100 + int(m[3]))


def count_of(text: str) -> int:
    m = re.fullmatch(r"\s*([\d,]+)\s*", text)
    assert m, f"not a count: {text!r}"
    return int(m[1].replace(",", ""))


def beijing_time(iso: str) -> str:
    """An ISO UTC time as the console shows it (utils/format.js beijingTime): "2026-12-03 20:04"."""
    at = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC) + BEIJING
    return at.strftime("%Y-%m-%d %H:%M")


@dataclass
class Explained:
    """A console error the browser itself prints for an HTTP answer the test expects (Chromium logs
    "Failed to load resource: the server responded with a status of N" for every 4xx/5xx, also the
    ones the console handles as answers). Consumed once per matching message."""

    path: str  # the resource's URL must end with it (or contain it when prefix=True)
    status: int
    why: str
    times: int = 1
    prefix: bool = False
    text: re.Pattern[str] | None = None  # instead of a resource and a status: the message itself

    def matches(self, url: str, text: str) -> bool:
        if self.times <= 0:
            return False
        if self.text is not None:
            return bool(self.text.search(text))
        hit = self.path in url if self.prefix else url.split("?")[0].endswith(self.path)
        return text.startswith("Failed to load resource") and hit and f"status of {self.status}" in text


@dataclass
class Watch:
    """Collects what a browser context logs, page by page (``at`` names the page being looked at)."""

    role: str
    at: str = "start"
    problems: list[dict[str, Any]] = field(default_factory=list)
    explained: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    allowances: list[Explained] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def expect(self, path: str, status: int, why: str, *, times: int = 1, prefix: bool = False) -> None:
        self.allowances.append(Explained(path, status, why, times, prefix))

    def expect_message(self, pattern: str, why: str) -> None:
        """Messages matching ``pattern`` (a regex), as often as they come."""
        self.allowances.append(Explained("", 0, why, times=10**9, text=re.compile(pattern)))

    def _console(self, msg: Any) -> None:
        url = (msg.location or {}).get("url", "")
        entry = {"role": self.role, "page": self.at, "type": msg.type, "text": msg.text, "url": url}
        self.log.append(entry)
        if msg.type != "error":
            return
        for allowance in self.allowances:
            if allowance.matches(url, msg.text):
                allowance.times -= 1
                self.explained.append({**entry, "why": allowance.why})
                return
        self.problems.append(entry)

    def _page_error(self, error: Any) -> None:
        entry = {"role": self.role, "page": self.at, "type": "pageerror", "text": str(error), "url": ""}
        self.log.append(entry)
        self.problems.append(entry)

    def problems_on(self, page: str) -> list[dict[str, Any]]:
        return [p for p in self.problems if p["page"] == page]

    def write(self, folder: Path) -> None:
        (folder / f"console-log-{self.role}.json").write_text(
            json.dumps({"problems": self.problems, "explained": self.explained, "all": self.log}, ensure_ascii=False,
                       indent=1), encoding="utf-8")
