"""Declarations of the registry's object types.

Each object type is declared once (``mo.model.models``); the declaration drives its
table, the write rules that follow from its references, and the GraphQL layer's
loaders and filters.
"""

from mo.model.spec import Field, Model, Ref
from mo.model.models import MODELS, model

__all__ = ["MODELS", "Field", "Model", "Ref", "model"]
