"""POST /admin/staff/accept - the person invited (channel console) creates their account with a
password. Public: the invite code is the credential; throttled in the template."""

from aws_lambda_powertools.event_handler import Response

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.openapi import responses
from shop.staff import invites
from shop.staff.models import StaffAccepted, StaffAcceptRequest

app = create_app()


@app.post("/admin/staff/accept", summary="Accept a staff invitation (password)", tags=["admin"],
          description="Creates the staff account with the invitation's role and the password (at least 10 "
                      "characters). The code works once: 409 invite_used, invite_withdrawn, invite_expired; 404 "
                      "invite_not_found; 409 name_taken. Then sign in (POST /admin/auth/sign-in).",
          responses=responses(StaffAccepted, 400, 404, 409, 429, status=201))
def accept_staff_invite(body: StaffAcceptRequest) -> Response[StaffAccepted]:
    return ok(invites.accept(body.invite_code, body.name, body.password), status=201)


lambda_handler = lambda_handler_for(app)
