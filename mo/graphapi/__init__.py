"""The OS2mo v29-compatible GraphQL API (strawberry)."""
