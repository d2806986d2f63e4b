"""MO: the municipal organisation registry (service package)."""
