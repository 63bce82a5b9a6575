"""AWS clients: one botocore session per process and one client per service, created on first use.

Clients come from botocore rather than boto3 (see shop.adapters.db) and share one session, so a function
that talks to two services loads the endpoint and partition data once. Endpoints are configuration
(``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_<SERVICE>``), which is how the local stack and the tests
point every client at moto.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

_lock = threading.Lock()


@cache
def _session() -> Any:
    import botocore.session

    return botocore.session.get_session()


@cache
def client(service: str) -> Any:
    from botocore.config import Config

    with _lock:
        return _session().create_client(
            service,
            config=Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 3}),
        )


def reset() -> None:
    """Forget the clients (tests that switch endpoints or moto instances)."""
    client.cache_clear()
    _session.cache_clear()
