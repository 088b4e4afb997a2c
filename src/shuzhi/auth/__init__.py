"""Users, roles, passwords, browser sessions, API tokens and login throttling."""
