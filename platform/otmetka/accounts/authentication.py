from rest_framework import authentication, exceptions

from .services import api_token_user


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` with keys issued by POST /api/v1/auth/tokens/."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Неверный заголовок Authorization.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Неверный токен.") from exc
        user = api_token_user(key)
        if user is None:
            raise exceptions.AuthenticationFailed("Токен недействителен или истёк.")
        return user, None

    def authenticate_header(self, request):
        return self.keyword
