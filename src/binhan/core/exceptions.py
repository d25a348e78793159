class ServiceError(Exception):
    """A rule of the domain refused the action; the message is translated and shown to the user."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDeniedError(ServiceError):
    """The actor may not do this here."""
