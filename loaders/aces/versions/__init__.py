"""Comparing two annotations of the same documents: agreement scores (``agree``) and changes (``diff``)."""
