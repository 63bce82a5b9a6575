"""Users: WeChat login, accounts and identities, the profile (accounts) and its models."""
