"""Open311 GeoReport v2 under /open311/v2/: services, requests (public view), intake by key, and the keys."""
