"""Hub addresses, the opener and file metadata, against a fake hub on 127.0.0.1."""

from __future__ import annotations

import hashlib
import ssl
import urllib.request
from pathlib import Path

import pytest

from assistant.models.catalog import CatalogFile, FileRole
from assistant.models.hub import (
    DEFAULT_HUB_ENDPOINT,
    HUB_MIRRORS,
    USER_AGENT,
    DownloadError,
    DownloadErrorKind,
    HubError,
    describe_proxy,
    file_url,
    make_opener,
    normalize_endpoint,
    remote_file,
)
from tests.support.fake_hub import FakeHub

DATA = b"GGUF" + bytes(range(256)) * 40


pytestmark = pytest.mark.usefixtures("no_proxy_env")


def hub_file(repo: str = "org/model-GGUF", filename: str = "model-Q4_K_M.gguf") -> CatalogFile:
    return CatalogFile(FileRole.MODEL, filename, len(DATA), repo=repo)


def test_endpoints_are_normalized_or_refused_with_a_sentence() -> None:
    assert normalize_endpoint("  https://hf-mirror.com/ ") == "https://hf-mirror.com"
    assert normalize_endpoint("HTTPS://example.org/hub/") == "https://example.org/hub"
    assert DEFAULT_HUB_ENDPOINT in HUB_MIRRORS
    for bad in ("huggingface.co", "ftp://example.org", "", "https://", "https://x.org/?a=1"):
        with pytest.raises(HubError) as caught:
            normalize_endpoint(bad)
        assert "https://" in str(caught.value) and str(caught.value).endswith(".")


def test_file_url_is_quoted_like_huggingface_hub() -> None:
    assert file_url("https://huggingface.co/", "org/m", "a b.gguf", "refs/pr/1") == (
        "https://huggingface.co/org/m/resolve/refs%2Fpr%2F1/a%20b.gguf"
    )


def test_remote_file_reads_size_and_sha256_from_the_tree(hub: FakeHub) -> None:
    hub.add_file("org/model-GGUF", "model-Q4_K_M.gguf", DATA)
    hub.add_file("org/model-GGUF", "README.md", b"# readme\n", lfs=False)
    remote = remote_file(hub.base_url, hub_file(), make_opener())
    assert remote.url == f"{hub.base_url}/org/model-GGUF/resolve/main/model-Q4_K_M.gguf"
    assert remote.size == len(DATA)
    assert remote.sha256 == hashlib.sha256(DATA).hexdigest()
    assert [(r.method, r.path) for r in hub.requests] == [
        ("GET", "/api/models/org/model-GGUF/tree/main")
    ]
    assert hub.requests[0].user_agent == USER_AGENT


def test_remote_file_falls_back_to_head_without_following_the_cdn_redirect() -> None:
    with FakeHub(tree_api=False) as hub:
        hub.add_file("org/model-GGUF", "model-Q4_K_M.gguf", DATA)
        remote = remote_file(hub.base_url, hub_file(), make_opener())
        assert remote.sha256 == hashlib.sha256(DATA).hexdigest()
        assert remote.size == len(DATA)
        methods = [(r.method, r.path.split("/")[1]) for r in hub.requests]
        assert methods == [("GET", "api"), ("HEAD", "org")]  # never the CDN


def test_head_follows_the_relative_redirect_of_a_renamed_repository() -> None:
    with FakeHub(tree_api=False) as hub:
        hub.add_file("new-org/model-GGUF", "model-Q4_K_M.gguf", DATA)
        hub.rename_repo("org/model-GGUF", "new-org/model-GGUF")
        remote = remote_file(hub.base_url, hub_file(), make_opener())
        assert remote.sha256 == hashlib.sha256(DATA).hexdigest()
        assert [r.path for r in hub.requests if r.method == "HEAD"] == [
            "/org/model-GGUF/resolve/main/model-Q4_K_M.gguf",
            "/new-org/model-GGUF/resolve/main/model-Q4_K_M.gguf",
        ]


def test_a_file_outside_lfs_has_no_published_sha256(hub: FakeHub) -> None:
    hub.add_file("org/model-GGUF", "model-Q4_K_M.gguf", DATA, lfs=False)
    remote = remote_file(hub.base_url, hub_file(), make_opener())
    assert remote.size == len(DATA)
    assert remote.sha256 is None  # its ETag is a git blob id, not a sha256


def test_a_missing_file_is_not_found(hub: FakeHub) -> None:
    hub.add_file("org/model-GGUF", "other.gguf", DATA)
    with pytest.raises(DownloadError) as caught:
        remote_file(hub.base_url, hub_file(), make_opener())
    assert caught.value.kind is DownloadErrorKind.NOT_FOUND
    assert "model-Q4_K_M.gguf" in str(caught.value)
    assert not caught.value.retryable


def test_an_unreachable_hub_is_a_retryable_network_sentence(hub: FakeHub) -> None:
    dead = hub.base_url
    hub.close()
    with pytest.raises(DownloadError) as caught:
        remote_file(dead, hub_file(), make_opener())
    assert caught.value.kind is DownloadErrorKind.NETWORK
    assert caught.value.retryable
    assert "127.0.0.1" in str(caught.value) and "try again" in str(caught.value)


def test_url_files_are_described_by_the_catalog_alone() -> None:
    sha = "a" * 64
    exact = CatalogFile(
        FileRole.MODEL, "tiny.pt", 10, url="https://x.org/tiny.pt", sha256=sha, size_exact=True
    )
    assert remote_file("https://unused.invalid", exact) == (
        remote_file("https://unused.invalid", exact)
    )
    described = remote_file("https://unused.invalid", exact)
    assert (described.url, described.size, described.sha256) == ("https://x.org/tiny.pt", 10, sha)
    estimate = CatalogFile(FileRole.MODEL, "tiny.pt", 10, url="https://x.org/tiny.pt")
    assert remote_file("https://unused.invalid", estimate).size is None


def test_a_redirect_loop_is_a_sentence(hub: FakeHub) -> None:
    hub.add_file("org/model-GGUF", "model-Q4_K_M.gguf", DATA, redirect_loop=True)
    with pytest.raises(DownloadError) as caught:
        make_opener().open(file_url(hub.base_url, "org/model-GGUF", "model-Q4_K_M.gguf"))
    assert caught.value.kind is DownloadErrorKind.REDIRECTS
    assert "redirect" in str(caught.value)


def test_the_opener_and_the_settings_page_use_the_system_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert describe_proxy("https://huggingface.co/x") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,internal.example")
    assert describe_proxy("https://huggingface.co/x") == "http://proxy.example:3128"
    assert describe_proxy("https://internal.example/x") is None
    handlers = [h for h in make_opener().handlers if isinstance(h, urllib.request.ProxyHandler)]
    assert handlers and handlers[0].proxies.get("https") == "http://user:secret@proxy.example:3128"


def test_a_frozen_bundle_also_trusts_certifis_certificates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system whose certificates are not where the bundled OpenSSL looks."""
    import certifi

    from assistant.models.hub import tls_context

    (tmp_path / "none.pem").write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    plain, frozen = tls_context(frozen=False), tls_context(frozen=True)
    assert plain.get_ca_certs() == []  # what a download would trust without certifi
    assert frozen.verify_mode == ssl.CERT_REQUIRED and frozen.check_hostname
    from_certifi = ssl.create_default_context(cafile=certifi.where()).get_ca_certs()
    assert len(frozen.get_ca_certs()) == len(from_certifi) > 100
