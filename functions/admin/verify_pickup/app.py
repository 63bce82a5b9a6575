"""POST /admin/pickup/verify - verify a buyer's pickup code at the counter (核销; docs/settings.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.buying import pickup
from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, PendingStaff, staff_pending
from shop.edge.openapi import responses
from shop.staff.roles import PICKUP_VERIFY

app = create_app()


@app.post("/admin/pickup/verify", summary="Verify a pickup code", tags=["admin"], security=BEARER,
          description="Once per code: the order PAID -> COMPLETED. 404 pickup_code_not_found, 409 wrong_store "
          "(both count against the verifier: 429 pickup_attempts_exceeded after 10 in 10 minutes), 403 "
          "not_store_verifier (owners and managers may verify anywhere), 409 pickup_code_used, order_not_pickable "
          "(cancelled, refunded), refund_in_progress, nothing_to_pick_up, order_changed. Audited.",
          responses=responses(pickup.PickupVerified, 400, 401, 403, 404, 409, 415, 429))
def verify_pickup(body: pickup.VerifyRequest,
                  staff: Annotated[PendingStaff, Depends(staff_pending(PICKUP_VERIFY))]) -> Response[pickup.PickupVerified]:
    return ok(pickup.verify(staff, body))


lambda_handler = lambda_handler_for(app)
