"""The shapes of staff names, roles and invitation ids, apart from the models that use them: the
sign-in functions need the name pattern without building every staff-management model at import."""

from __future__ import annotations

MERCHANT_NAME = r"^[a-z0-9][a-z0-9_-]{1,31}$"
ROLE = r"^(owner|manager|customer_service|finance|pickup_verifier)$"
INVITE_ID = r"^[0-9a-f]{16}$"
INVITE_CODE = r"^[0-9a-f]{16}\.[A-Za-z0-9_-]{27}$"  # <invite id>.<160 random bits>
