"""Push delivery signatures and the HTTP sender's failure classes, without a network."""

import hashlib
import hmac

import httpx
import pytest

from app.services.push_sender import DeliveryFailed, HttpxPushSender
from app.services.push_signing import sign, signature_matches


def test_the_signature_is_hex_hmac_sha256_of_the_exact_body() -> None:
    body = b'{"task":{"id":"t1"}}'
    expected = hmac.new(b"secret-secret-secret", body, hashlib.sha256).hexdigest()

    assert sign("secret-secret-secret", body) == f"sha256={expected}"
    assert signature_matches("secret-secret-secret", body, f"sha256={expected}")
    assert not signature_matches("secret-secret-secret", body + b" ", f"sha256={expected}")
    assert not signature_matches("another-secret-here", body, f"sha256={expected}")


async def test_the_sender_returns_any_answer_and_classifies_failures() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "refused":
            raise httpx.ConnectError("refused", request=request)
        if request.url.host == "silent":
            raise httpx.ReadTimeout("no answer", request=request)
        assert request.headers["X-Tasques-Signature"] == "sha256=abc"
        return httpx.Response(503, content=b"busy")

    sender = HttpxPushSender(timeout=1.0, transport=httpx.MockTransport(answer))
    try:
        response = await sender.post(
            "http://worker/", body=b"{}", headers={"X-Tasques-Signature": "sha256=abc"}
        )
        assert (response.status, response.body) == (503, b"busy")
        with pytest.raises(DeliveryFailed) as refused:
            await sender.post("http://refused/", body=b"{}", headers={})
        assert not refused.value.maybe_delivered
        with pytest.raises(DeliveryFailed) as silent:
            await sender.post("http://silent/", body=b"{}", headers={})
        assert silent.value.maybe_delivered
    finally:
        await sender.close()
