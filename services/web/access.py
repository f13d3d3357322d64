"""Who may read the web UI: the gRPC API's rule. Open when no tokens are configured (as `duban up` runs on
loopback); otherwise a token with the `read` (or `admin`) scope, from an `Authorization: Bearer` header or a
`?token=` link parameter (links in emails and webhook digests)."""
from __future__ import annotations

import hmac

READ_SCOPES = frozenset({"read", "admin"})


def presented_token(authorization: str | None, query_token: str | None) -> str | None:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return query_token or None


def may_read(tokens: dict[str, frozenset[str]], presented: str | None) -> bool:
    if not tokens:
        return True
    if presented is None:
        return False
    # compare against every token in constant time, so timing reveals nothing about which one nearly matched
    matches = [scopes for token, scopes in tokens.items()
               if hmac.compare_digest(token.encode(), presented.encode())]
    return any(scopes & READ_SCOPES for scopes in matches)
