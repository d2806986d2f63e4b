"""Authentication and authorisation.

- ``tokens``: Keycloak bearer tokens (RS256, the realm's JWKS, issuer, audience,
  expiry) validated with python-keycloak.
- ``principal``: who a request acts as: actor, roles, permissions.
- ``permissions``: the permissions, derived from the GraphQL schema (every root
  field and mutation declares one), and what each realm role grants.
- ``scope``: the owner role's rule: writes only to units and persons one owns.
- ``http``: the starlette side: 401 answers, local mode.
- ``access_log``: who read which objects, when ``MO_ACCESS_LOG`` is on.
"""
