"""Open311 GeoReport v2 on top of intake: discovery, services, service definitions, POST and
GET requests, tokens; XML (the spec's mandatory format) and JSON."""
