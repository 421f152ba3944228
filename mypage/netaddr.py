"""The client's address, for throttling and the audit trail.

The socket's peer is the client, unless the peer is one of the proxies listed in
MYPAGE_TRUSTED_PROXIES: then X-Forwarded-For is read from the right, skipping
trusted proxies, and the first address not ours is the client. Anything to the left
of it was written by the client and is not believed.

Throttles count by `network(address)`: an IPv4 address alone, an IPv6 address by its
/64, because one subscriber line (or one attacker) gets a whole /64 and could otherwise
use a fresh address for every try.
"""

from __future__ import annotations

import ipaddress

from mypage.settings import get_settings

IPV6_PREFIX = 64


def network(address: str) -> str:
    """What a throttle counts an address as: IPv4 singly, IPv6 by its /64; anything else as it is."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def _trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


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
