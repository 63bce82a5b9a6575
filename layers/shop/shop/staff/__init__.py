"""Staff: who may act in the merchant back office. Today that is merchant accounts holding
short-lived tokens that can be revoked (accounts); the back-office issue brings staff members,
roles and permissions here."""
