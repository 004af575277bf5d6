"""The client's address, read through the proxies kb is configured to trust.

`X-Forwarded-For` is only anyone's claim: it is read when, and only as far
as, the hop that added it is one of `KB_TRUSTED_PROXIES` (addresses or
networks). A client that reaches gunicorn directly therefore cannot choose
its address, whatever it sends; behind a trusted proxy the client is the
rightmost entry that is not itself a trusted proxy.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """`KB_TRUSTED_PROXIES` parsed ("10.0.0.5", "10.0.0.0/8", "::1")."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"KB_TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, networks: Iterable[Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the nearest hop no trusted proxy vouches beyond.

    The connection's own address unless it is a trusted proxy; then each
    `X-Forwarded-For` entry from the right, as long as the one before it was
    trusted. An entry that is not an address stops the walk: the proxy
    behind it is used instead, so garbage cannot become a throttle key.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_networks(tuple(settings.KB_TRUSTED_PROXIES))
    if not networks or not _trusted(remote, networks):
        return remote
    client = remote
    forwarded = request.headers.get("x-forwarded-for", "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if _address(hop) is None:
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return client
