"""RFC 8288 `Link` headers, as GitHub pages its lists:
`<https://api.github.com/...&page=2>; rel="next", <...&page=5>; rel="last"`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_LINK = re.compile(r'<([^<>]*)>\s*((?:;\s*[A-Za-z*]+\s*=\s*(?:"[^"]*"|[^;,]*)\s*)*)')
_REL = re.compile(r';\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))', re.IGNORECASE)


def parse_links(value: str | None) -> dict[str, str]:
    """rel -> URL. A rel may list several names (`rel="next last"`); the first link wins."""
    found: dict[str, str] = {}
    for match in _LINK.finditer(value or ""):
        url, params = match.group(1).strip(), match.group(2)
        rel = _REL.search(params)
        if not rel:
            continue
        for name in (rel.group(1) or rel.group(2) or "").lower().split():
            found.setdefault(name, url)
    return found


def same_origin(url: str, base_url: str) -> bool:
    """Whether a link stays on the API the request went to (scheme, host, port and the
    base path): a `next` link elsewhere must not receive the token."""
    link, base = urlsplit(url), urlsplit(base_url)
    return (link.scheme, link.hostname, link.port) == (base.scheme, base.hostname, base.port) and link.path.startswith(
        base.path.rstrip("/") + "/"
    )
