"""GeoJSON input (boundaries, rule areas): parsing, coordinate checks, validity in PostGIS."""
