"""The HTTP server the local stack's endpoints run on (gateway, WeChat simulator, console edge).

http.server's default listen backlog is 5 connections: a burst of concurrent clients (32 first
logins at once, each of them calling the WeChat simulator) then has connections refused, which
no real service does at that load. Each request gets its own thread, as a concurrent service
would, and the backlog is large enough for any burst the tests or a developer make."""

from __future__ import annotations

from http.server import ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
