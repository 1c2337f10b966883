"""Signing push deliveries: HMAC-SHA256 over the exact body bytes with the worker's shared secret.

The worker recomputes ``sha256=<hex>`` over the raw body it received and compares in constant time
(``hmac.compare_digest``) before trusting anything in it; the body carries ``sent_at`` so a worker can
also refuse old replays.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Tasques-Signature"
SIGNATURE_PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The ``X-Tasques-Signature`` value for ``body``."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, body), signature)
