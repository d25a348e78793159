from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from binhan.accounts.models import User


class UsernamePhoneOrEmailBackend(ModelBackend):
    """Sign in with a username, a phone number or an email address."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = username.strip()
        user = (
            User.objects.filter(Q(username__iexact=login) | Q(phone=login) | Q(email__iexact=login))
            .order_by("id")
            .first()
        )
        if user is None:
            User().set_password(password)  # same work as a real check, so timing tells nothing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
