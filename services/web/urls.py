"""The web UI's URL scheme, shared with notify so every digest links to the right page.

    /                                  overview
    /units/<unit>                      a unit's open tasks (canonical name, alias or group name)
    /documents/<id or 文号>#clause-<path>  a document, scrolled to one clause
    /search?q=<text>                   clause text search

Links may carry `?token=` so a recipient without a header-capable client can open them.
"""
from __future__ import annotations

import os
from urllib.parse import quote, urlencode

DEFAULT_BASE_URL = "http://127.0.0.1:8080"


def web_base_url(env: dict[str, str] | None = None) -> str:
    """DUBAN_WEB_BASE_URL (the address users reach the web UI at), without a trailing slash."""
    env = os.environ if env is None else env
    return (env.get("DUBAN_WEB_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def clause_anchor(clause_path: str) -> str:
    """The HTML id of a clause on its document page (paths such as `2/3.1` and `table1/row/4` are valid ids)."""
    return "clause-" + clause_path


def _with_token(url: str, token: str | None) -> str:
    return f"{url}?{urlencode({'token': token})}" if token else url


def unit_url(base: str, unit: str, *, token: str | None = None) -> str:
    return _with_token(f"{base.rstrip('/')}/units/{quote(unit, safe='')}", token)


def document_url(base: str, doc_id_or_number: str, clause_path: str | None = None, *,
                 token: str | None = None) -> str:
    url = _with_token(f"{base.rstrip('/')}/documents/{quote(doc_id_or_number, safe='')}", token)
    return url + "#" + quote(clause_anchor(clause_path), safe="/.-") if clause_path else url


def search_url(base: str, query: str) -> str:
    return f"{base.rstrip('/')}/search?{urlencode({'q': query})}"
