"""The object types of the API, one module each."""
