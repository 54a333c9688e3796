"""Importing a municipality's boundary from GeoJSON (operator)."""
