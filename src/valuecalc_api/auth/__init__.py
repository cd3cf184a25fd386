"""Authentication (bearer API keys) and authorization (roles, tracker scope)."""
