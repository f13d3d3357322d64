"""Standard Webhooks signatures: the spec's published example, rotation, and secrets."""
from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from services.notify.signing import check_secret, new_secret, signature_header, webhook_headers

# The example in the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_spec_example_signature() -> None:
    assert signature_header([SPEC_SECRET], SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_rotation_signs_with_every_secret_and_each_verifies() -> None:
    old, new = new_secret(), new_secret()
    body = '{"type":"notify.test","data":{"unit":"衢州市数据局"}}'.encode()
    headers = webhook_headers([new, old], "msg_1", int(time.time()), body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert all(part.startswith("v1,") for part in headers["webhook-signature"].split(" "))
    for secret in (new, old):
        assert Webhook(secret).verify(body, headers)["data"]["unit"] == "衢州市数据局"
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_tampered_body_fails_verification() -> None:
    secret = new_secret()
    headers = webhook_headers([secret], "msg_2", int(time.time()), b'{"a":1}')
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"a":2}', headers)


@pytest.mark.parametrize("secret, ok", [
    (new_secret(), True),
    (SPEC_SECRET, True),
    ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", False),  # no prefix
    ("whsec_not base64!", False),
    ("whsec_c2hvcnQ=", False),  # 5 bytes: too short
])
def test_check_secret(secret: str, ok: bool) -> None:
    assert (check_secret(secret) is None) is ok
