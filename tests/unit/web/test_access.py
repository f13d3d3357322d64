import pytest

from services.web.access import may_read, presented_token

TOKENS = {"r": frozenset({"read"}), "i": frozenset({"ingest"}), "a": frozenset({"admin"})}


def test_open_when_no_tokens_are_configured() -> None:
    assert may_read({}, None)
    assert may_read({}, "anything")


@pytest.mark.parametrize("token, allowed", [("r", True), ("a", True), ("i", False), ("x", False), (None, False),
                                            ("", False)])
def test_read_or_admin_scope_needed_once_tokens_are_configured(token, allowed) -> None:
    assert may_read(TOKENS, token) is allowed


@pytest.mark.parametrize("header, query, token", [
    ("Bearer abc", None, "abc"),
    ("bearer  abc ", "q", "abc"),     # the header wins over the link parameter
    (None, "q", "q"),
    ("Basic Zm9v", "q", "q"),        # not a bearer header: fall back to the link parameter
    ("Bearer ", None, None),
    (None, "", None),
])
def test_presented_token(header, query, token) -> None:
    assert presented_token(header, query) == token
