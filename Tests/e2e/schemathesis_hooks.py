"""Schemathesis hooks for the Custos e2e run (loaded with SCHEMATHESIS_HOOKS=schemathesis_hooks).

- an NDJSON serializer for POST /v1/events (application/x-ndjson bodies are plain text lines);
- a check that no response is a server error other than 503 (overload is a documented answer);
"""

from __future__ import annotations

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


@schemathesis.check
def no_server_error_but_503(ctx, response, case):
    """No 5xx answer other than 503 (which must carry Retry-After)."""
    status = response.status_code
    if status == 503:
        if "retry-after" not in {k.lower() for k in response.headers}:
            raise AssertionError("503 without Retry-After")
        return None
    if status >= 500:
        raise AssertionError(f"server error {status}: {response.text[:500]}")
    return None
