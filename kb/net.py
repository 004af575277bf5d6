"""Addresses: the client's, read through trusted proxies; and kb's own
outgoing requests, kept off internal networks.

`X-Forwarded-For` is only anyone's claim: it is read when, and only as far
as, the hop that added it is one of `KB_TRUSTED_PROXIES` (addresses or
networks). A client that reaches gunicorn directly therefore cannot choose
its address, whatever it sends; behind a trusted proxy the client is the
rightmost entry that is not itself a trusted proxy.

A feed URL is an editor's or a feed's choice: kb fetches only from public
internet addresses (`internal_addresses`), so a feed cannot make it read a
cloud metadata service, a database port or an admin page on the private
network, unless the network is listed in `KB_FETCH_ALLOWED_NETWORKS`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:  # kb.settings imports this module
    from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=16)
def parse_networks(entries: tuple[str, ...], setting: str) -> tuple[Network, ...]:
    """Addresses and networks ("10.0.0.5", "10.0.0.0/8", "::1") of a setting."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting}: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """`KB_TRUSTED_PROXIES` parsed."""
    return parse_networks(entries, "KB_TRUSTED_PROXIES")


def is_internal(address: Address) -> bool:
    """Not a public internet address: loopback, private, link-local (where
    cloud metadata services answer), shared, reserved, multicast or
    unspecified; an IPv4 address inside IPv6 counts as itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def internal_addresses(
    host: str,
    *,
    allowed: Iterable[Network] = (),
    resolve: bool = True,
) -> list[str]:
    """The internal addresses, outside `allowed`, that `host` stands for.

    A literal address is checked as it is; a name is looked up (every
    address it resolves to must be public) unless `resolve` is False.
    `OSError` when the name does not resolve.
    """
    literal = _address(host.strip("[]").split("%", 1)[0])
    if literal is not None:
        addresses = [literal]
    elif resolve:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        addresses = [a for a in (_address(str(info[4][0])) for info in found) if a]
    else:
        return []
    networks = tuple(allowed)
    return [
        str(address)
        for address in addresses
        if is_internal(address) and not any(address in n for n in networks)
    ]


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
