"""The console's hosting: ConsoleDistribution in template.yaml (S3 behind CloudFront, /admin/* to the
API on the same origin, a strict CSP) and its local stand-in, infra/local/edge.py."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from infra.local.edge import ConsoleEdge, security_headers
from infra.local.template import Template


def _config(template: Template) -> dict[str, Any]:
    return template.resources["ConsoleDistribution"]["Properties"]["DistributionConfig"]


def _csp(template: Template) -> str:
    policy = template.resources["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    return " ".join(policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"].split())


def test_the_csp_allows_only_the_consoles_own_scripts_and_the_shops_media(template: Template) -> None:
    directives = {d.split()[0]: d.split()[1:] for d in _csp(template).split("; ")}
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert directives["connect-src"] == ["'self'", "https://${MediaBucket.RegionalDomainName}"]  # API, uploads
    assert "https://${MediaDistribution.DomainName}/" in directives["img-src"]
    assert not any("*" in v or v in ("http:", "https:") for values in directives.values() for v in values)


def test_the_console_and_its_api_share_one_origin_and_the_api_is_never_cached(template: Template) -> None:
    config = _config(template)
    origins = {o["Id"]: o for o in config["Origins"]}
    assert origins["console"]["DomainName"] == {"Fn::GetAtt": ["ConsoleBucket", "RegionalDomainName"]}
    assert "OriginAccessControlId" in origins["console"]  # the bucket is private; only this distribution reads it
    assert origins["api"]["DomainName"]["Fn::Sub"].startswith("${ShopApi}.execute-api.")
    (admin,) = config["CacheBehaviors"]
    assert admin["PathPattern"] == "/admin/*" and admin["TargetOriginId"] == "api"
    assert admin["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert set(admin["AllowedMethods"]) >= {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert "CustomErrorResponses" not in config  # hash routing: an API 404 stays a 404
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": "ConsoleHeadersPolicy"}
    bucket = template.resources["ConsoleBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(bucket.values())


class _Api(BaseHTTPRequestHandler):
    def log_message(self, *_: Any) -> None:
        return

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        answer = json.dumps({"path": self.path, "body": body.decode(), "cookie": self.headers.get("cookie")}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "__Secure-staff_refresh=x; Path=/admin/auth; HttpOnly; Secure; SameSite=Strict")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def test_the_local_edge_serves_the_build_with_the_policy_and_passes_admin_to_the_api(tmp_path: Path,
                                                                                     template: Template) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>控制台</title>", encoding="utf-8")
    (tmp_path / "assets" / "app-1a2b.js").write_text("export {}")
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    policy = template.resources["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = security_headers(template.resolve(policy, {"MediaDistribution.DomainName": "cdn.local",
                                                         "MediaBucket.RegionalDomainName": "media.local"}))
    edge = ConsoleEdge(tmp_path, f"http://127.0.0.1:{api.server_address[1]}", headers).start()
    try:
        page = urllib.request.urlopen(edge.url + "/")
        assert page.headers["Content-Type"] == "text/html; charset=utf-8" and page.headers["Cache-Control"] == "no-cache"
        assert page.headers["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self';")
        assert "https://media.local" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
        script = urllib.request.urlopen(edge.url + "/assets/app-1a2b.js")
        assert script.headers["Cache-Control"].endswith("immutable") and script.headers["Content-Type"].startswith("text/javascript")
        for missing in ("/orders", "/../template.yaml", "/assets/none.js"):
            try:
                urllib.request.urlopen(edge.url + missing)
                raise AssertionError(missing)
            except urllib.error.HTTPError as exc:
                assert exc.code == 404
        request = urllib.request.Request(edge.url + "/admin/auth/refresh", data=b"{}", method="POST",
                                         headers={"Cookie": "__Secure-staff_refresh=old", "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request)
            raise AssertionError("the API's 401 must come through")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
            assert json.loads(exc.read()) == {"path": "/admin/auth/refresh", "body": "{}", "cookie": "__Secure-staff_refresh=old"}
            assert exc.headers["Set-Cookie"].startswith("__Secure-staff_refresh=x; Path=/admin/auth; HttpOnly")
    finally:
        edge.stop()
        api.shutdown()
