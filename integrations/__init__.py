"""Integration workers (none yet): they use MO only through GraphQL and events."""
