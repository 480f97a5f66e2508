"""Talking to a model hub: addresses, the HTTP opener, and what the hub says about a file.

Together with ``download.py`` this is the only network code in Mosaic (standard library
only). The hub is Hugging Face or a mirror with the same layout (``hf-mirror.com``):

- a file's bytes: ``GET {endpoint}/{repo}/resolve/{revision}/{filename}``; large (LFS)
  files answer with a redirect to a CDN;
- a file's size and sha256: the repository tree ``GET {endpoint}/api/models/{repo}/tree/
  {revision}`` (``lfs.oid`` is the sha256), or, as ``huggingface_hub`` does, a ``HEAD`` on
  the resolve address that follows only relative redirects (a renamed repository) and
  reads ``X-Linked-Etag``/``X-Linked-Size`` from the CDN redirect itself.

Download errors live here too (``DownloadError``; ``download.py`` re-exports them), so that
the opener's redirect handler and ``remote_file`` raise the same sentences as downloads.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import ssl
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import StrEnum
from http.client import HTTPException
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from assistant import __version__
from assistant.core.i18n import translate
from assistant.models.catalog import CatalogFile

DEFAULT_HUB_ENDPOINT = "https://huggingface.co"
HUB_MIRRORS = {
    "https://huggingface.co": "Hugging Face",
    "https://hf-mirror.com": "hf-mirror.com (mirror for mainland China)",
}
USER_AGENT = f"Mosaic/{__version__}"
METADATA_TIMEOUT_S = 15.0
_MAX_TREE_PAGES = 20
_SHA256 = re.compile(r"[0-9a-f]{64}")


class HubError(ValueError):
    """A hub address the person typed is unusable; str() says what to type instead."""


class DownloadErrorKind(StrEnum):
    NETWORK = "network"  # connection refused/reset/dropped, DNS, timeout
    STALLED = "stalled"  # no byte for the stall timeout
    NOT_FOUND = "not found"  # 404/410
    SERVER = "server"  # 5xx and other HTTP errors
    NOT_A_MODEL = "not a model"  # a web page (login, captive portal) instead of the file
    CHECKSUM = "checksum"
    SIZE = "size"
    DISK_FULL = "disk full"
    REDIRECTS = "redirects"
    RANGE = "range"  # a 416 that starting over did not cure
    UNVERIFIABLE = "unverifiable"  # no sha256 pinned and none published
    PERMISSION = "permission"


_RETRYABLE = (DownloadErrorKind.NETWORK, DownloadErrorKind.STALLED, DownloadErrorKind.SERVER)


class DownloadError(Exception):
    """A download (or a look-up before it) failed; str() is one sentence saying what to do.

    ``retryable``: pressing Resume may work (network trouble, a stall, a server error);
    the ``.part`` file is kept in those cases so Resume continues where it stopped.
    """

    def __init__(
        self, kind: DownloadErrorKind, sentence: str, *, retryable: bool | None = None
    ) -> None:
        super().__init__(sentence)
        self.kind = kind
        self.retryable = kind in _RETRYABLE if retryable is None else retryable


@dataclass(frozen=True)
class RemoteFile:
    """Where a file is fetched from and what the catalog or the hub says it should be."""

    url: str
    size: int | None
    sha256: str | None


def normalize_endpoint(text: str) -> str:
    """``" https://hf-mirror.com/ "`` → ``"https://hf-mirror.com"``; HubError otherwise."""
    cleaned = text.strip().rstrip("/")
    parts = urlsplit(cleaned)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise HubError(translate(
            "Hub", "“{address}” is not a hub address; enter one that starts with https://, "
            "for example {example}.").format(address=text.strip(), example=DEFAULT_HUB_ENDPOINT))
    if parts.query or parts.fragment or " " in cleaned:
        raise HubError(translate(
            "Hub", "“{address}” is not a plain hub address; enter only the address of the "
            "site, for example {example}.").format(address=text.strip(),
                                                   example=DEFAULT_HUB_ENDPOINT))
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, "", ""))


def file_url(endpoint: str, repo: str, filename: str, revision: str = "main") -> str:
    """The hub address of a file's bytes (quoted as ``huggingface_hub.hf_hub_url`` does)."""
    return (
        f"{endpoint.rstrip('/')}/{quote(repo)}/resolve/{quote(revision, safe='')}/{quote(filename)}"
    )


def tree_url(endpoint: str, repo: str, revision: str = "main") -> str:
    """The hub's listing of a repository's top folder at ``revision`` (JSON)."""
    return f"{endpoint.rstrip('/')}/api/models/{quote(repo)}/tree/{quote(revision, safe='')}"


def host_of(url: str) -> str:
    """The host named in sentences ("huggingface.co")."""
    return urlsplit(url).hostname or url


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects up to a limit, turning a loop into a DownloadError sentence.

    A request with ``follow_redirects = False`` (a metadata HEAD) follows only relative
    redirects (a renamed repository), never the absolute one to the CDN, whose headers
    (``X-Linked-Etag``, ``X-Linked-Size``) are what it came for.
    """

    def __init__(self, max_redirects: int) -> None:
        super().__init__()
        self.max_redirections = max_redirects

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        follow = getattr(req, "follow_redirects", True)
        location = headers.get("Location") or headers.get("URI") or ""
        if not follow and urlsplit(location).netloc:
            return None
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.follow_redirects = follow  # type: ignore[attr-defined]
            if req.get_method() == "HEAD":
                new.method = "HEAD"  # Python 3.11 would turn it into a GET
        return new

    def http_error_302(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except urllib.error.HTTPError as exc:
            if not str(exc.msg).startswith(self.inf_msg):
                raise
            exc.close()
            raise DownloadError(
                DownloadErrorKind.REDIRECTS,
                translate("Hub", "{host} kept redirecting the download (a redirect loop or "
                          "too many redirects); try again later or choose another hub in "
                          "Settings.").format(host=host_of(req.full_url)),
                retryable=False,
            ) from None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def tls_context(frozen: bool | None = None) -> ssl.SSLContext:
    """The system's trusted certificates; in a frozen bundle also certifi's, because the
    bundled OpenSSL looks for them where the build machine kept them (macOS and non-Debian
    Linux keep them elsewhere, and every HTTPS download would fail)."""
    context = ssl.create_default_context()
    if getattr(sys, "frozen", False) if frozen is None else frozen:
        with contextlib.suppress(ImportError, OSError, ssl.SSLError):
            import certifi

            context.load_verify_locations(cafile=certifi.where())
    return context


def make_opener(max_redirects: int = 10) -> urllib.request.OpenerDirector:
    """An opener that uses the system proxy (HTTPS_PROXY/HTTP_PROXY/NO_PROXY, or the macOS
    and Windows settings), trusts the right certificates, says it is Mosaic, and turns
    redirect loops into sentences."""
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler(urllib.request.getproxies()),
        urllib.request.HTTPSHandler(context=tls_context()),
        _RedirectHandler(max_redirects),
    )
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener


def describe_proxy(url: str) -> str | None:
    """The proxy requests to ``url`` go through, for the Settings page: "http://proxy:3128"
    (credentials left out), or None when they go direct."""
    try:
        parts = urlsplit(url)
        proxy = urllib.request.getproxies().get(parts.scheme.lower())
        if not proxy or (parts.hostname and urllib.request.proxy_bypass(parts.hostname)):
            return None
        shown = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        netloc = shown.hostname or ""
        if shown.port:
            netloc += f":{shown.port}"
        return f"{shown.scheme}://{netloc}"
    except (OSError, ValueError):
        return None


def remote_file(
    endpoint: str, file: CatalogFile, opener: urllib.request.OpenerDirector | None = None
) -> RemoteFile:
    """Where to fetch ``file`` and its size and sha256 as the catalog or the hub gives them.

    A ``url`` file is described by the catalog alone (no network). A hub file is looked up
    in the repository tree, falling back to a HEAD on its address when the tree does not
    answer usefully (a mirror without the API, a file outside LFS). The size is None when
    nothing says it exactly; the sha256 is None when nothing publishes it.
    """
    if file.url is not None:
        return RemoteFile(file.url, file.size_bytes if file.size_exact else None, file.sha256)
    if file.repo is None:
        raise ValueError(f"catalog file {file.filename} names neither a repo nor a url")
    opener = opener or make_opener()
    url = file_url(endpoint, file.repo, file.filename, file.revision)
    listed = _from_tree(endpoint, file, opener)
    if listed is not None and listed.sha256 is not None:
        return RemoteFile(url, listed.size, listed.sha256)
    head = _from_head(url, file, opener)
    return RemoteFile(url, head.size or (listed.size if listed else None), head.sha256)


def _from_tree(
    endpoint: str, file: CatalogFile, opener: urllib.request.OpenerDirector
) -> RemoteFile | None:
    """The file's entry in the repository tree; None when the tree is unavailable."""
    assert file.repo is not None
    next_url: str | None = tree_url(endpoint, file.repo, file.revision)
    for _ in range(_MAX_TREE_PAGES):
        if next_url is None:
            return None
        request = urllib.request.Request(next_url, headers={"Accept": "application/json"})
        try:
            with opener.open(request, timeout=METADATA_TIMEOUT_S) as response:
                if "html" in response.headers.get("Content-Type", ""):
                    return None  # a mirror's web page for an API it lacks
                listing = json.loads(response.read(16 * 1024 * 1024))
                link = response.headers.get("Link", "")
        except urllib.error.HTTPError as exc:
            exc.close()
            return None
        except ValueError:
            return None
        except (urllib.error.URLError, OSError, HTTPException) as exc:
            raise network_error(next_url, file.filename, exc) from None
        if not isinstance(listing, list):
            return None
        for item in listing:
            if isinstance(item, dict) and item.get("path") == file.filename:
                return _tree_item(item)
        next_url = _next_page(next_url, link)
    return None


def _tree_item(item: dict[str, Any]) -> RemoteFile:
    lfs = item.get("lfs") if isinstance(item.get("lfs"), dict) else None
    size = (lfs or item).get("size")
    oid = lfs.get("oid") if lfs else None
    return RemoteFile(
        url="",
        size=size if isinstance(size, int) and size >= 0 else None,
        sha256=oid.lower() if isinstance(oid, str) and _SHA256.fullmatch(oid.lower()) else None,
    )


def _next_page(url: str, link_header: str) -> str | None:
    """The ``rel="next"`` address of a paginated hub answer, if any."""
    for part in link_header.split(","):
        match = re.search(r'<([^>]+)>\s*;\s*rel="?next"?', part)
        if match:
            return urljoin(url, match.group(1))
    return None


def _from_head(url: str, file: CatalogFile, opener: urllib.request.OpenerDirector) -> RemoteFile:
    request = urllib.request.Request(url, method="HEAD", headers={"Accept-Encoding": "identity"})
    request.follow_redirects = False  # type: ignore[attr-defined]
    try:
        response = opener.open(request, timeout=METADATA_TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        exc.close()
        if not 300 <= exc.code < 400:
            raise http_error(url, file.filename, exc.code) from None
        headers = exc.headers
    except (urllib.error.URLError, OSError, HTTPException) as exc:
        raise network_error(url, file.filename, exc) from None
    else:
        with response:
            headers = response.headers
            if "html" in headers.get("Content-Type", ""):
                raise not_a_model_error(url, file.filename)
    etag = _normalize_etag(headers.get("X-Linked-Etag") or headers.get("ETag"))
    size_text = headers.get("X-Linked-Size") or headers.get("Content-Length")
    try:
        size = int(size_text) if size_text is not None else None
    except ValueError:
        size = None
    sha256 = etag.lower() if etag and _SHA256.fullmatch(etag.lower()) else None
    return RemoteFile(url, size, sha256)


def _normalize_etag(etag: str | None) -> str | None:
    if etag is None:
        return None
    return etag.strip().removeprefix("W/").strip('"')


# Sentences shared with download.py ---------------------------------------------------------


def network_error(url: str, label: str, exc: BaseException) -> DownloadError:
    """A connection that failed before or while talking to the server."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError | socket.timeout):
        sentence = translate("Hub", "{host} did not answer in time while fetching {file}; "
                             "check the internet connection (and the proxy or hub in "
                             "Settings), then try again.")
    elif isinstance(reason, socket.gaierror):
        sentence = translate("Hub", "{host} could not be found (no internet connection or DNS "
                             "trouble?) while fetching {file}; check the internet connection "
                             "(and the proxy or hub in Settings), then try again.")
    elif isinstance(reason, ConnectionRefusedError):
        sentence = translate("Hub", "{host} refused the connection while fetching {file}; "
                             "check the internet connection (and the proxy or hub in "
                             "Settings), then try again.")
    else:
        sentence = translate("Hub", "{host} could not be reached ({reason}) while fetching "
                             "{file}; check the internet connection (and the proxy or hub in "
                             "Settings), then try again.")
    return DownloadError(
        DownloadErrorKind.NETWORK,
        sentence.format(host=host_of(url), file=label, reason=_short(reason)),
    )


def http_error(url: str, label: str, status: int) -> DownloadError:
    """An HTTP error status answered for ``label``."""
    host = host_of(url)
    if status in (404, 410):
        return DownloadError(
            DownloadErrorKind.NOT_FOUND,
            translate("Hub", "{file} was not found on {host} (HTTP {status}); it may have "
                      "been moved or removed, so choose another model or another hub in "
                      "Settings.").format(file=label, host=host, status=status),
        )
    if status in (401, 403):
        return DownloadError(
            DownloadErrorKind.SERVER,
            translate("Hub", "{host} refused access to {file} (HTTP {status}); the model may "
                      "require signing in and accepting its license on the website, so "
                      "download it there and import it instead.").format(
                host=host, file=label, status=status),
            retryable=False,
        )
    if status >= 500 or status in (408, 429):
        return DownloadError(
            DownloadErrorKind.SERVER,
            translate("Hub", "{host} failed to send {file} (HTTP {status}); try again in a "
                      "few minutes.").format(host=host, file=label, status=status),
            retryable=True,
        )
    return DownloadError(
        DownloadErrorKind.SERVER,
        translate("Hub", "{host} answered HTTP {status} for {file}; try again later or choose "
                  "another hub in Settings.").format(host=host, status=status, file=label),
        retryable=False,
    )


def not_a_model_error(url: str, label: str) -> DownloadError:
    return DownloadError(
        DownloadErrorKind.NOT_A_MODEL,
        translate("Hub", "{host} sent a web page instead of {file} (a network login or "
                  "captive portal?); sign in to the network in a web browser, then try "
                  "again.").format(host=host_of(url), file=label),
        retryable=False,
    )


def _short(reason: object) -> str:
    text = str(reason).strip() or type(reason).__name__
    return text if len(text) <= 80 else text[:77] + "…"
