"""The staff case list: filters, full-text search, sort, pages, GeoJSON."""
