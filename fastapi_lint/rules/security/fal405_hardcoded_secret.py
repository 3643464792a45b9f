from __future__ import annotations

import ast
import re

from ...catalogues.secrets import (
    KEY_QUALIFIERS,
    NON_CREDENTIAL_TOKEN_QUALIFIERS,
    SECRET_WORDS,
)
from ...context import Context
from ...rule import Invalid, Rule
from ...semantic.model import ScopeKind
from ...semantic.values import is_model_class, keyword, string_value

# Values wrapped by these calls are the field's default / the secret itself.
_FIELD_CALLS = frozenset(
    {"pydantic.Field", "pydantic.fields.Field", "sqlmodel.Field", "pydantic.SecretStr"}
)
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ENV_VAR_NAME = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+")
_PLACEHOLDER = re.compile(r"^(<.*>|\$\{.*\}|\{.*\}|%\(.*\)s)$")


# Words that say "secret" in a name, for telling a label (`"access_token"`) from a value.
_SECRET_VOCABULARY = SECRET_WORDS | KEY_QUALIFIERS | {"key"}
_SPLIT = re.compile(r"[^a-z0-9]+")


def _words(text: str, singular: bool = False) -> list[str]:
    """Lower-case words of a name or value; `singular` drops a plural `s` (`Passwords`)."""
    words = [w for w in _SPLIT.split(_WORD_BOUNDARY.sub("_", text).lower()) if w]
    if singular:
        words = [_singular(w) for w in words]
    return words


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def names_a_secret(name: str) -> bool:
    words = _words(name)
    if not words:
        return False
    last = words[-1]
    if last == "token" and len(words) > 1 and words[-2] in NON_CREDENTIAL_TOKEN_QUALIFIERS:
        return False
    if last in SECRET_WORDS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in KEY_QUALIFIERS


def looks_like_a_secret(value: str, name: str, field_default: bool = False) -> bool:
    """Filter out string values that are clearly not secrets, whatever the name says.

    `field_default`: the value is a Pydantic field's default. A default is the field's value
    by construction, never a label, so `secret_key: str = "secret"` is reported.
    """
    if not value.strip() or any(c.isspace() for c in value):
        return False  # empty, or a sentence ("Invalid password")
    if _ENV_VAR_NAME.fullmatch(value) or _PLACEHOLDER.match(value):
        return False  # `"OPENAI_API_KEY"`: where the secret lives; `"<your-key>"`
    lowered = value.lower()
    if lowered.startswith(("x-", "/", "urn:")) or "://" in lowered:
        return False  # a header name (`"x-api-key"`), a path, a URN or a URL
    if value.startswith("__") and value.endswith("__") and len(value) > 4:
        return False  # a sentinel (`"__unset__"`)
    if field_default:
        return True
    value_words, name_words = set(_words(value, singular=True)), _words(name)
    if value_words <= set(name_words) and value_words & _SECRET_VOCABULARY:
        return False  # a label made of the name (`ACCESS_TOKEN = "access_token"`, `"_token"`)
    # The whole name inside a longer identifier is an id, not a password:
    # `USERNAME_PASSWORD = "profile-username-password"`.
    descriptive = set(name_words) - _SECRET_VOCABULARY
    return not (descriptive and set(name_words) <= value_words)


class HardcodedSecret(Rule):
    """## What it does
    Checks for a non-empty string literal assigned to a module-level variable or a class
    attribute, or given as a settings-field default, whose name says it is a secret: its
    last word is `secret`, `password`, `passwd`, `token`, `apikey`, or `key` after `secret`,
    `api`, `private`, `signing`, `jwt` or `encryption` (`SECRET_KEY`, `JWT_SECRET`,
    `API_KEY`, `db_password`, `githubToken`). Both snake_case and camelCase names are split
    into words.

    Names where the secret word is followed by more words describe a secret rather than hold
    one, and are not reported: `token_type = "bearer"`, `JWT_ALGORITHM`, `TOKEN_URL`,
    `SECRET_KEY_NAME`, `PASSWORD_MIN_LENGTH`, `API_KEY_HEADER`. Nor are tokens that are not
    credentials (`EOS_TOKEN`, `TIME_TO_FIRST_TOKEN`, `NEXT_PAGE_TOKEN`; the vocabulary is in
    `catalogues/secrets.py`). Values that cannot be secrets are skipped too: text with spaces
    (messages), a label made of the name's own words (`ACCESS_TOKEN = "access_token"`,
    `"_token"`, a field or cookie name), a longer identifier containing the whole name
    (`USERNAME_PASSWORD = "profile-username-password"`), an environment-variable name
    (`"OPENAI_API_KEY"`), a header name (`"x-api-key"`), a path, URL or URN, a dunder
    sentinel (`"__unset__"`), and template placeholders (`"<your-key>"`, `"${TOKEN}"`).
    In a Pydantic model or settings class the two label filters do not apply: a field's
    default is its value, so `secret_key: str = "secret"` is reported.
    `SECRET_KEY = os.environ["SECRET_KEY"]` is not a literal and is fine.

    Test files are not exempt (their secrets are fake by design, but the rule cannot tell a
    test credential from a real one); use `per-file-ignores` for your test directories.

    ## Why is this bad?
    A secret in source code is in every clone, fork, backup, CI log and container image of
    the repository, and rotating it needs a code change and a deploy. A settings default is
    no better: when the environment variable is missing the app starts with the public value
    instead of failing.

    ## Example
    ```python
    SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"

    class Settings(BaseSettings):
        jwt_secret: str = "change-me"
    ```

    ## Use instead
    ```python
    SECRET_KEY = os.environ["SECRET_KEY"]

    class Settings(BaseSettings):
        jwt_secret: SecretStr  # required: read from the environment
    ```

    ## Fix safety
    No fix: the value must move to your secret store.

    ## References
    - bandit B105 `hardcoded_password_string`; CWE-798
    """

    code = "FAL405"
    name = "hardcoded-secret"
    message = (
        "`{target}` is assigned a hardcoded secret; read it from the environment or a secret store"
    )
    nodes = (ast.Assign, ast.AnnAssign)
    valid = [
        """
        import os
        SECRET_KEY = os.environ['SECRET_KEY']
        """,
        """
        token_type = 'bearer'
        JWT_ALGORITHM = 'HS256'
        TOKEN_URL = '/auth/token'
        SECRET_KEY_NAME = 'APP_SECRET'
        """,
        """
        PASSWORD_MIN_LENGTH = 8
        SECRET_KEY = ''
        API_KEY_HEADER = 'X-API-Key'
        """,
        # Field names, messages, env var names, placeholders.
        """
        from enum import Enum

        class GrantType(str, Enum):
            PASSWORD = 'password'
            REFRESH_TOKEN = 'refresh_token'
        """,
        """
        WRONG_PASSWORD = 'Incorrect username or password'
        PASSWORD = 'Password is required'
        """,
        """
        OPENAI_API_KEY = 'OPENAI_API_KEY'
        API_KEY = 'MY_SERVICE_API_KEY'
        SECRET = '<your-secret-here>'
        """,
        # Function locals and parameters are not module or class attributes.
        """
        def login():
            password = 'secret'
            return password
        """,
        # Not a secret word: a cache key, a monkey.
        """
        CACHE_KEY = 'users:v1'
        monkey = 'george'
        sort_key = 'name'
        """,
        # Found on real code: cookie and resource names, header names, URNs, paths, sentinels,
        # identifiers that contain the whole name, language-model tokens.
        """
        COOKIE_NAME_JWT_TOKEN = '_token'
        RESOURCE_PASSWORD = 'Passwords'
        """,
        """
        class Headers:
            XGOOGLE_API_KEY = 'x-goog-api-key'
            custom_api_key = 'x-litellm-api-key'
        """,
        """
        SUBJECT_TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token'
        PATH_ACCEPTING_CONTINUATION_TOKEN = '/v1beta1/projects/'
        SENTINEL_API_KEY = '__ptu_flat_cost__'
        """,
        """
        USERNAME_PASSWORD = 'profile-username-password'
        username_and_password = 'username-password'
        """,
        """
        TIME_TO_FIRST_TOKEN = 'gen_ai.server.time_to_first_token'
        EOS_TOKEN = '</s>'
        LEGACY_TOTAL_TOKENS = 'llm.usage.total_tokens'
        """,
        # Settings field without a default.
        """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            secret_key: str
            api_key: str = ''
        """,
    ]
    invalid = [
        Invalid(
            """
            SECRET_KEY = '09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7'
            """,
            expect=[
                "1:1-1:80 `SECRET_KEY` is assigned a hardcoded secret; read it from the environment or a secret store"
            ],
        ),
        Invalid(
            """
            from pydantic_settings import BaseSettings

            class Settings(BaseSettings):
                jwt_secret: str = 'change-me'
                db_password: str = 'postgres'
            """,
            expect=[
                "4:5-4:34 `jwt_secret` is assigned a hardcoded secret; read it from the environment or a secret store",
                "5:5-5:34 `db_password` is assigned a hardcoded secret; read it from the environment or a secret store",
            ],
        ),
        Invalid(
            """
            from pydantic import BaseSettings, Field

            class Settings(BaseSettings):
                api_key: str = Field('sk-12345', env='API_KEY')
            """,
            expect=[
                "4:5-4:52 `api_key` is assigned a hardcoded secret; read it from the environment or a secret store"
            ],
        ),
        # A settings default is a value, even when it repeats the name (found on real code).
        Invalid(
            """
            from pydantic_settings import BaseSettings

            class Settings(BaseSettings):
                secret_key: str = 'secret'
                password: str = 'password'
            """,
            expect=[
                "4:5-4:31 `secret_key` is assigned a hardcoded secret; read it from the environment or a secret store",
                "5:5-5:31 `password` is assigned a hardcoded secret; read it from the environment or a secret store",
            ],
        ),
        Invalid(
            """
            class Config:
                githubToken = 'ghp_abcdef0123456789'
            """,
            expect=[
                "2:5-2:41 `githubToken` is assigned a hardcoded secret; read it from the environment or a secret store"
            ],
        ),
        Invalid(
            """
            if True:
                ADMIN_PASSWORD: str = 'hunter2'
            """,
            expect=[
                "2:5-2:36 `ADMIN_PASSWORD` is assigned a hardcoded secret; read it from the environment or a secret store"
            ],
        ),
    ]

    def check(self, node: ast.Assign | ast.AnnAssign, ctx: Context) -> None:
        scope = ctx.semantic.scope
        if scope.kind not in (ScopeKind.MODULE, ScopeKind.CLASS) or node.value is None:
            return
        value = self._literal(node.value, ctx)
        if value is None:
            return
        in_model = scope.kind is ScopeKind.CLASS and is_model_class(
            getattr(scope.bindings.get("__qualname__"), "qualname", None), ctx
        )
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if not isinstance(target, ast.Name):
                continue
            if names_a_secret(target.id) and looks_like_a_secret(value, target.id, in_model):
                ctx.report(node, target=target.id)
                return

    @staticmethod
    def _literal(value: ast.AST, ctx: Context) -> str | None:
        text = string_value(value)
        if text is not None:
            return text
        if isinstance(value, ast.Call) and ctx.qualified_name(value.func) in _FIELD_CALLS:
            default = keyword(value, "default")
            if default is not None:
                return string_value(default.value)
            if value.args:
                return string_value(value.args[0])
        return None
