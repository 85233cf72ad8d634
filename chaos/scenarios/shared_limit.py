"""7. Shared limit: two API processes at API_RATE_LIMIT=60 sharing Redis; 200 requests from one
client (127.0.0.2) alternating over both → exactly 60 succeed, the rest 429; the same from a
fresh address (127.0.0.3) claiming a different X-Forwarded-For on every request → still exactly
60 (the client is not a trusted proxy: its header is not believed); and through nginx (a
trusted proxy) from 127.0.0.4, spoofing too → 60 (the address nginx saw is the one counted)."""

from __future__ import annotations

from chaos.scenarios.common import Context, Figures, expect
from chaos.scenarios.limits import (
    BURST,
    LIMIT,
    burst,
    forget_counts,
    start_limited_pair,
    start_proxy,
)


def run(context: Context) -> Figures:
    stack = context.stack
    pair = start_limited_pair(stack)
    proxy = start_proxy(stack, pair)
    forget_counts(stack)
    direct = [api.base_url for api in pair]
    plain = burst(direct, local_address="127.0.0.2", spoof=False)
    spoofed = burst(direct, local_address="127.0.0.3", spoof=True)
    proxied = burst([proxy.base_url], local_address="127.0.0.4", spoof=True)
    figures = context.record(
        {
            "limit": LIMIT,
            "burst": BURST,
            "direct": dict(plain),
            "direct_spoofed": dict(spoofed),
            "nginx_spoofed": dict(proxied),
        }
    )
    for name, statuses in (("direct", plain), ("spoofed", spoofed), ("through nginx", proxied)):
        expect(
            statuses["200"] == LIMIT and statuses["429"] == BURST - LIMIT,
            f"{name}: {dict(statuses)}; expected {LIMIT} × 200 and {BURST - LIMIT} × 429",
        )
    return figures
