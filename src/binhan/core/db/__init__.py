"""Database backends: Django's own, with small changes measured in docs/performance.md."""
