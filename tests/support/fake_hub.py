"""A model hub on 127.0.0.1 that behaves like Hugging Face, faults included.

``FakeHub`` is a real ``ThreadingHTTPServer`` in a daemon thread (use it as a context
manager). Like the real hub it serves:

- ``GET/HEAD /{repo}/resolve/{rev}/{filename}``: for an LFS file a 302 to an absolute CDN
  address (``/cdn/<sha256>``) carrying ``X-Linked-Etag`` (the sha256, quoted),
  ``X-Linked-Size``, ``ETag`` and ``X-Repo-Commit``; a small non-LFS file is answered
  directly with its git blob id as ETag. A renamed repository answers with a relative 307.
- ``GET /api/models/{repo}/tree/{rev}``: ``[{"type": "file", "oid": <git blob sha1>, "size":
  n, "path": name, "lfs": {"oid": <sha256>, "size": n, "pointerSize": 134}}, …]``.
- ``GET /cdn/<sha256>`` and plain URL files (``add_url``): the bytes, with ``Range`` (206 and
  ``Content-Range``, 416 past the end), ``If-Range`` against a CDN ETag that is not the
  sha256 (as S3 behind CloudFront), and the injected faults of ``ServedFile``.

Every request is logged in ``requests`` (method, path, Range header).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import quote, unquote, urlsplit

LOGIN_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Sign in to the network</title></head>"
    b"<body><form><input name=user><input name=password type=password></form></body></html>\n"
)


@dataclass
class ServedFile:
    """One file the hub serves, and the faults it shows (tests may change them later)."""

    data: bytes
    lfs: bool = True
    drop_after: int | None = None  # close the connection after this many body bytes…
    drop_always: bool = False  # …every time, not only the first
    html_200: bool = False  # a login page with status 200 instead of the bytes
    wrong_bytes: bool = False  # same size, other content
    status: int | None = None  # answer this error status (404, 500…) everywhere
    range_416: bool = False  # answer 416 to every Range request
    redirect_loop: bool = False  # the resolve address redirects to itself
    stall_after: int | None = None  # send this many bytes, then nothing
    bytes_per_second: int | None = None  # throttle the body
    ignore_range: bool = False  # answer 200 with the whole body to a Range request
    drops: int = 0  # how many times the connection was dropped

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def cdn_etag(self) -> str:
        return '"' + hashlib.md5(self.data).hexdigest() + '"'

    @property
    def git_oid(self) -> str:
        return hashlib.sha1(b"blob %d\0" % len(self.data) + self.data).hexdigest()


@dataclass(frozen=True)
class HubRequest:
    method: str
    path: str
    range: str | None
    if_range: str | None = None
    user_agent: str | None = None


@dataclass
class _State:
    repos: dict[tuple[str, str], dict[str, ServedFile]] = field(default_factory=dict)
    urls: dict[str, ServedFile] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    requests: list[HubRequest] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    closing: threading.Event = field(default_factory=threading.Event)
    tree_api: bool = True


class FakeHub:
    """A fake Hugging Face hub; ``with FakeHub() as hub: hub.add_file(...)``."""

    commit = "0123456789abcdef0123456789abcdef01234567"

    def __init__(self, *, tree_api: bool = True) -> None:
        """``tree_api=False``: a mirror without the API (its tree answers a 404 web page)."""
        self._state = _State(tree_api=tree_api)
        handler = type("Handler", (_HubHandler,), {"state": self._state, "hub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[HubRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def clear_requests(self) -> None:
        with self._state.lock:
            self._state.requests.clear()

    def add_file(
        self,
        repo: str,
        filename: str,
        data: bytes,
        revision: str = "main",
        lfs: bool = True,
        **faults: object,
    ) -> ServedFile:
        """Serve ``data`` as ``filename`` of ``repo`` at ``revision`` (replacing any)."""
        served = ServedFile(data, lfs=lfs, **faults)  # type: ignore[arg-type]
        with self._state.lock:
            self._state.repos.setdefault((repo, revision), {})[filename] = served
        return served

    def add_url(self, path: str, data: bytes, **faults: object) -> ServedFile:
        """Serve ``data`` at ``path`` (e.g. "/models/tiny.en.pt"); returns it for its url."""
        served = ServedFile(data, **faults)  # type: ignore[arg-type]
        with self._state.lock:
            self._state.urls[path] = served
        return served

    def url(self, path: str) -> str:
        return self.base_url + path

    def rename_repo(self, old: str, new: str) -> None:
        """Requests for ``old`` get a relative redirect to ``new`` (as after a rename)."""
        with self._state.lock:
            self._state.renamed[old] = new

    def close(self) -> None:
        self._state.closing.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeHub:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: _State
    hub: FakeHub

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    # --- routing ---------------------------------------------------------------------------

    def _route(self, *, head: bool) -> None:
        with self.state.lock:
            self.state.requests.append(
                HubRequest(
                    self.command,
                    self.path,
                    self.headers.get("Range"),
                    self.headers.get("If-Range"),
                    self.headers.get("User-Agent"),
                )
            )
        path = urlsplit(self.path).path
        parts = [unquote(p) for p in path.split("/")]
        try:
            if path.startswith("/api/models/") and "tree" in parts:
                self._tree(parts[3:])
            elif path.startswith("/cdn/"):
                served = self._by_sha(parts[2])
                if served is None:
                    self._error(404, "Entry not found")
                else:
                    self._body(served, head=head)
            elif "resolve" in parts:
                self._resolve(parts[1:], head=head)
            elif path in self.state.urls:
                self._body(self.state.urls[path], head=head)
            else:
                self._error(404, "Not found")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _tree(self, rest: list[str]) -> None:
        if not self.state.tree_api:
            self._send(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
            return
        at = rest.index("tree")
        repo, revision = "/".join(rest[:at]), "/".join(rest[at + 1 :])
        if repo in self.state.renamed:
            new = quote(self.state.renamed[repo])
            self._redirect(307, f"/api/models/{new}/tree/{quote(revision, safe='')}", {})
            return
        files = self.state.repos.get((repo, revision))
        if files is None:
            self._error(404, "Repository not found")
            return
        listing = []
        for name, served in files.items():
            if served.status in (404, 410):
                continue
            item: dict[str, object] = {
                "type": "file",
                "oid": served.git_oid,
                "size": len(served.data),
                "path": name,
            }
            if served.lfs:
                item["lfs"] = {"oid": served.sha256, "size": len(served.data), "pointerSize": 134}
            listing.append(item)
        self._send(200, json.dumps(listing).encode(), {"Content-Type": "application/json"})

    def _resolve(self, rest: list[str], *, head: bool) -> None:
        at = rest.index("resolve")
        repo, revision, filename = "/".join(rest[:at]), rest[at + 1], "/".join(rest[at + 2 :])
        if repo in self.state.renamed:
            new = quote(self.state.renamed[repo])
            location = f"/{new}/resolve/{quote(revision, safe='')}/{quote(filename)}"
            self._redirect(307, location, {})
            return
        served = self.state.repos.get((repo, revision), {}).get(filename)
        if served is None:
            self._error(404, "Entry not found")
            return
        if served.status is not None:
            self._error(served.status, "Failure")
            return
        if served.redirect_loop:
            self._redirect(302, self.hub.base_url + self.path, {})
            return
        if not served.lfs:
            self._body(served, head=head, etag=f'"{served.git_oid}"')
            return
        linked = {
            "X-Linked-Etag": f'"{served.sha256}"',
            "X-Linked-Size": str(len(served.data)),
            "ETag": f'"{served.sha256}"',
            "X-Repo-Commit": self.hub.commit,
        }
        self._redirect(302, f"{self.hub.base_url}/cdn/{served.sha256}", linked)

    def _by_sha(self, sha: str) -> ServedFile | None:
        with self.state.lock:
            for files in self.state.repos.values():
                for served in files.values():
                    if served.sha256 == sha:
                        return served
        return None

    # --- answers ---------------------------------------------------------------------------

    def _body(self, served: ServedFile, *, head: bool, etag: str | None = None) -> None:
        if served.status is not None:
            self._error(served.status, "Failure")
            return
        if served.html_200:
            self._send(200, LOGIN_PAGE, {"Content-Type": "text/html; charset=utf-8"}, head=head)
            return
        data = served.data
        if served.wrong_bytes:
            data = data[:16] + bytes(b ^ 0x5A for b in data[16:])  # a plausible start
        etag = etag or served.cdn_etag
        headers = {
            "Content-Type": "application/octet-stream",
            "ETag": etag,
            "Accept-Ranges": "bytes",
        }
        wanted = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if wanted and not served.ignore_range and (if_range is None or if_range == etag):
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            if served.range_416 or start >= len(data):
                headers["Content-Range"] = f"bytes */{len(data)}"
                self._send(416, b"", headers, head=head)
                return
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            self._send(206, data[start:], headers, head=head, served=served)
            return
        self._send(200, data, headers, head=head, served=served)

    def _redirect(self, status: int, location: str, headers: dict[str, str]) -> None:
        self._send(status, b"", {"Location": location, **headers})

    def _error(self, status: int, message: str) -> None:
        body = json.dumps({"error": message}).encode()
        self._send(status, body, {"Content-Type": "application/json", "X-Error-Code": message})

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        *,
        head: bool = False,
        served: ServedFile | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head or not body:
            return
        if served is None:
            self.wfile.write(body)
            return
        self._stream(served, body)

    def _stream(self, served: ServedFile, body: bytes) -> None:
        """Send ``body`` the way ``served`` says: throttled, dropped or stalled."""
        limit = len(body)
        drop = served.drop_after is not None and (served.drop_always or served.drops == 0)
        if drop:
            limit = min(limit, served.drop_after or 0)
        if served.stall_after is not None:
            limit = min(limit, served.stall_after)
        piece = 4096
        delay = 0.0
        if served.bytes_per_second:
            piece = max(1, served.bytes_per_second // 50)
            delay = piece / served.bytes_per_second
        sent = 0
        while sent < limit:
            if self.state.closing.is_set():
                break
            chunk = body[sent : min(limit, sent + piece)]
            self.wfile.write(chunk)
            self.wfile.flush()
            sent += len(chunk)
            if delay:
                time.sleep(delay)
        if sent >= len(body):
            return
        if served.stall_after is not None and not drop:
            self.state.closing.wait(30)  # silent until the client gives up or the hub closes
        else:
            served.drops += 1
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class RecordingProxy:
    """A tiny forwarding HTTP proxy on 127.0.0.1 that records the absolute URLs it sees."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        handler = type("Handler", (_ProxyHandler,), {"proxy": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RecordingProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    proxy: RecordingProxy

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._forward()

    def do_HEAD(self) -> None:
        self._forward()

    def _forward(self) -> None:
        self.proxy.seen.append(self.path)
        target = urlsplit(self.path)  # a proxy is sent the absolute URL
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-connection"}
        selector = (target.path or "/") + (f"?{target.query}" if target.query else "")
        connection.request(self.command, selector, headers=headers)
        reply = connection.getresponse()
        body = reply.read()
        self.send_response(reply.status)
        for name, value in reply.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        connection.close()
        self.close_connection = True
