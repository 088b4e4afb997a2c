"""One router per resource; each is mounted under /api/v1 by the app factory."""
