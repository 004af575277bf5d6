"""The client's address behind a known number of proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address the nearest untrusted hop connected from.

    Each of the `KB_NUM_PROXIES` proxies in front of kb appends the address it
    saw to X-Forwarded-For, so the client is that many entries from the right;
    entries further left are the client's own claims and are ignored. With no
    proxies configured the header is not read at all.
    """
    proxies = settings.KB_NUM_PROXIES
    if proxies > 0:
        hops = [
            h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        hops = [h for h in hops if h]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")
