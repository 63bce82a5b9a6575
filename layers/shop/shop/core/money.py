"""Money is an integer number of fen (1/100 yuan) everywhere: in requests, in storage, in
responses, in calls to WeChat Pay. Floats never touch an amount."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

Fen = Annotated[StrictInt, Field(ge=0, le=100_000_000_00, description="Amount in fen (1 yuan = 100 fen)")]


def yuan_text(fen: int) -> str:
    """Display form, e.g. 12990 -> '129.90'. For humans only; never parse it back."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError("amounts are integers in fen")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
