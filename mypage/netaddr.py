"""The client's address, for throttling and the audit trail.

The socket's peer is the client, unless the peer is one of the proxies listed in
MYPAGE_TRUSTED_PROXIES: then X-Forwarded-For is read from the right, skipping
trusted proxies, and the first address not ours is the client. Anything to the left
of it was written by the client and is not believed.
"""

from __future__ import annotations

import ipaddress

from mypage.settings import get_settings


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(peer: str, forwarded_for: str = "", proxies: tuple[str, ...] | None = None) -> str:
    """The address to throttle and record.

    Args:
        peer: The socket's peer address.
        forwarded_for: The X-Forwarded-For header, if any.
        proxies: Trusted proxy addresses or networks; the settings' by default.

    Returns:
        The client's address.
    """
    proxies = get_settings().trusted_proxies if proxies is None else proxies
    if not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer
