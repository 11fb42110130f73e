"""Where and as whom licex talks to doccano: the Connection (URL, user, password from the options or
the environment), and `scrubbed`, which keeps the password out of every message of a push, pull
or status."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from licex.doccano.http import DoccanoError, origin
from licex.doccano.secret import hiding, scrub

URL_ENV, USERNAME_ENV, PASSWORD_ENV = "DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"


@dataclass(frozen=True)
class Connection:
    url: str
    username: str
    password: str = field(repr=False)

    @classmethod
    def resolve(cls, url: str | None = None, username: str | None = None,
                password: str | None = None) -> "Connection":
        """Settings from the arguments, else $DOCCANO_URL, $DOCCANO_USERNAME, $DOCCANO_PASSWORD."""
        url = url or os.environ.get(URL_ENV)
        username = username or os.environ.get(USERNAME_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        missing = [what for what, value in (("URL", url), ("USERNAME", username), ("PASSWORD", password))
                   if not value]
        if missing:
            raise DoccanoError("no doccano " + ", ".join(missing).lower() + ": set "
                               + ", ".join(f"DOCCANO_{m}" for m in missing) + " or give "
                               + ", ".join(f"--{m.lower()}" for m in missing))
        try:
            netloc = urlsplit(url).netloc
        except ValueError:
            netloc = url  # too malformed to split: it is shown below only if it holds no "@"
        if "@" in netloc:
            # Credentials in a URL end up in logs and messages; they belong in the variables.
            raise DoccanoError("the doccano URL must not contain credentials: use DOCCANO_USERNAME and DOCCANO_PASSWORD")
        try:
            if any(ch.isspace() or not ch.isprintable() for ch in url):
                raise ValueError("it holds spaces or control characters")
            origin(url)
        except ValueError as error:
            raise DoccanoError(f"doccano URL {url!r} is not an http(s) URL ({error})") from None
        return cls(url.rstrip("/"), username, password)


def scrubbed(function: Callable[..., Any]) -> Callable[..., Any]:
    """Every DoccanoError out of `function` (a push, pull or status; its first argument the
    Connection) scrubbed of the password: a message may quote a project's settings, labels or
    annotations, which a server can fill with the password it was sent. Meanwhile `said` blanks
    it out of what it quotes before folding and cutting it (secret.py)."""

    @functools.wraps(function)
    def wrapper(connection: Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            with hiding(connection.password):
                return function(connection, *args, **kwargs)
        except DoccanoError as error:
            password = connection.password
            raise DoccanoError(scrub(str(error), password), [scrub(p, password) for p in error.problems]) from None

    return wrapper
