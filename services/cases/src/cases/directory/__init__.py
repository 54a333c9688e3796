"""Projection of routing's tenant directory (`directory.published` v1)."""
