"""Who a request comes from, and over which scheme, behind reverse proxies: a trusted proxy's
``X-Forwarded-For`` (read from the right) and ``X-Forwarded-Proto``; anyone else's ignored."""

from __future__ import annotations

import httpx
import pytest

from paperwork.app import create_app
from paperwork.client_address import client_address, forwarded_scheme, parse_networks
from paperwork.config import Settings


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.5", "198.51.100.1", "198.51.100.1"),
        ("10.0.0.5", "203.0.113.9, 198.51.100.1", "198.51.100.1"),
        # Two proxies of ours in a row: the client is left of both.
        ("10.0.0.5", "198.51.100.1, 10.0.0.6", "198.51.100.1"),
        # Only our own hops: the request began inside the trusted network.
        ("10.0.0.5", "10.0.0.7, 10.0.0.6", "10.0.0.7"),
        ("10.0.0.5", None, "10.0.0.5"),
        ("2001:db8::5", "2001:db8:1::1", "2001:db8:1::1"),
        ("192.0.2.10", "198.51.100.1", "192.0.2.10"),  # not a proxy of ours
    ],
)
def test_client_address_through_trusted_proxies(
    peer: str, forwarded: str | None, client: str
) -> None:
    trusted = parse_networks("10.0.0.0/24, 2001:db8::/64")
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    assert client_address({"client": (peer, 1234), "headers": headers}, trusted) == client


def test_only_a_trusted_proxy_names_the_scheme() -> None:
    trusted = parse_networks("10.0.0.5")
    said = [(b"x-forwarded-proto", b"https")]
    assert forwarded_scheme({"client": ("10.0.0.5", 1), "headers": said}, trusted) == "https"
    assert forwarded_scheme({"client": ("192.0.2.1", 1), "headers": said}, trusted) is None
    nonsense = [(b"x-forwarded-proto", b"javascript")]
    assert forwarded_scheme({"client": ("10.0.0.5", 1), "headers": nonsense}, trusted) is None


async def test_behind_a_tls_proxy_the_feed_links_say_https(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": parse_networks("10.0.0.5")}))
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}
    async with app.router.lifespan_context(app):
        for peer, scheme in (("10.0.0.5", "https"), ("192.0.2.1", "http")):
            transport = httpx.ASGITransport(app=app, client=(peer, 40000))
            async with httpx.AsyncClient(
                transport=transport, base_url="http://paperwork.example"
            ) as client:
                feed = await client.get("/api/v1/programs/feed.xml", headers=headers)
            assert feed.status_code == 200
            assert f"<link>{scheme}://paperwork.example/api/v1/programs" in feed.text
