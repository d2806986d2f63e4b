"""Collection filters: declared once, turned into input types and into SQL."""
