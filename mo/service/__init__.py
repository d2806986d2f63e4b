"""The service layer: every rule of the registry, whoever calls it."""
