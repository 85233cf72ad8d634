"""Who a request really comes from. Behind a reverse proxy every connection comes from the proxy;
its ``X-Forwarded-For`` names the client, but only a proxy we trust may say so
(``PAPERWORK_TRUSTED_PROXIES``): a client that sends its own header straight to us would
otherwise pick a fresh rate-limit bucket with every request."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import Scope

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "unknown"
MAX_ADDRESS_LENGTH = 64


def parse_networks(value: str) -> list[IPNetwork]:
    """``"127.0.0.1, 10.0.0.0/8"`` → networks; a bad entry raises ``ValueError`` naming it."""
    networks = []
    for entry in value.split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return networks


def _peer(scope: Scope) -> str:
    return str((scope.get("client") or (UNKNOWN, 0))[0])


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    if not trusted:  # the default: no address parsed on the hot path
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def _forwarded_chain(scope: Scope) -> list[str]:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    chain: list[str] = []
    for name, value in headers:
        if name == b"x-forwarded-for":
            chain.extend(hop.strip() for hop in value.decode("latin-1").split(","))
    return [hop for hop in chain if hop]


def client_address(scope: Scope, trusted: Sequence[IPNetwork]) -> str:
    """The connection's peer, or — when the peer is a trusted proxy — the rightmost address of
    its ``X-Forwarded-For`` chain that is not itself a trusted proxy. Reading from the right
    matters: each proxy appends the address it saw, so everything left of the last trusted hop
    is whatever the client chose to send."""
    peer = _peer(scope)
    if not _is_trusted(peer, trusted):
        return peer
    chain = _forwarded_chain(scope)
    for hop in reversed(chain):
        if not _is_trusted(hop, trusted):
            return _printable(hop)
    # Every hop is one of ours (or none was sent): the request began inside the trusted network.
    return _printable(chain[0]) if chain else peer


def forwarded_scheme(scope: Scope, trusted: Sequence[IPNetwork]) -> str | None:
    """``http`` or ``https`` as a trusted proxy's ``X-Forwarded-Proto`` says (the scheme the
    client used, for the links the API builds from the request: behind TLS they must say
    https); None when the peer is not trusted or says nothing usable."""
    if not _is_trusted(_peer(scope), trusted):
        return None
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for name, value in headers:
        if name == b"x-forwarded-proto":
            # A chain of proxies may list several: the first is what the client spoke.
            scheme = value.decode("latin-1").split(",")[0].strip().lower()
            if scheme in ("http", "https"):
                return scheme
    return None


def _printable(address: str) -> str:
    # It goes into logs and rate-limit keys: keep it short and on one line.
    return "".join(char for char in address[:MAX_ADDRESS_LENGTH] if char.isprintable()) or UNKNOWN
