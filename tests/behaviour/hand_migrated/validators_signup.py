"""Sign-up and article models of a 2022 FastAPI service -- migrated by hand to Pydantic v2.

Harness self-check, not shipped: tests/behaviour/test_harness.py runs this file under the v2 venv
and compares its record with the v1 recording of fixtures/migration/validators_signup.py.

Exercises ``@validator`` (plain, ``pre=True``, ``always=True``, several fields at once, reading
``values``) and ``@root_validator`` (``pre=True`` renaming legacy keys, and a post validator that
reads and returns ``values``).

``exercise()`` returns a record of dumps and of which inputs fail where; see
``tests/behaviour/README.md`` for the recording conventions.
"""

import re
from datetime import date
from typing import List, Optional

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

USERNAME_RE = re.compile(r"^[a-z0-9_]{3,20}$")
RESERVED_USERNAMES = {"admin", "root", "support"}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class SignUp(BaseModel):
    username: str
    email: str
    password: str
    password_confirm: str
    first_name: str
    last_name: str
    tags: List[str] = []
    newsletter: bool = False

    @model_validator(mode="before")
    @classmethod
    def accept_legacy_keys(cls, values):
        # Mobile clients before 3.2 still send "userName" and "mail".
        values = dict(values)
        if "userName" in values and "username" not in values:
            values["username"] = values.pop("userName")
        if "mail" in values and "email" not in values:
            values["email"] = values.pop("mail")
        return values

    @field_validator("username")
    @classmethod
    def username_format(cls, v):
        v = v.lower()
        if not USERNAME_RE.match(v):
            raise ValueError("username must be 3-20 characters of a-z, 0-9 and _")
        if v in RESERVED_USERNAMES:
            raise ValueError("this username is reserved")
        return v

    @field_validator("email")
    @classmethod
    def email_domain_lower(cls, v):
        if v.count("@") != 1:
            raise ValueError("not an email address")
        local, domain = v.split("@")
        return f"{local}@{domain.lower()}"

    @field_validator("password")
    @classmethod
    def password_strength(cls, v):
        if len(v) < 8:
            raise ValueError("password too short")
        if v.isalpha():
            raise ValueError("password needs a digit or a symbol")
        return v

    @field_validator("password_confirm")
    @classmethod
    def passwords_match(cls, v, info: ValidationInfo):
        if "password" in info.data and v != info.data["password"]:
            raise ValueError("passwords do not match")
        return v

    @field_validator("first_name", "last_name")
    @classmethod
    def capitalise_names(cls, v):
        v = v.strip()
        if not v:
            raise ValueError("must not be blank")
        return v[:1].upper() + v[1:]

    @field_validator("tags", mode="before")
    @classmethod
    def split_tag_string(cls, v):
        if isinstance(v, str):
            return [part.strip() for part in v.split(",") if part.strip()]
        return v


class Article(BaseModel):
    title: str
    body: str = ""
    slug: Optional[str] = Field(None, validate_default=True)
    word_count: int = Field(0, validate_default=True)
    published: bool = False
    published_on: Optional[date] = None

    @field_validator("title")
    @classmethod
    def title_not_blank(cls, v):
        if not v.strip():
            raise ValueError("title must not be blank")
        return v.strip()

    @field_validator("slug")
    @classmethod
    def default_slug(cls, v, info: ValidationInfo):
        if v:
            return slugify(v)
        title = info.data.get("title")
        return slugify(title) if title else None

    @field_validator("word_count")
    @classmethod
    def count_words(cls, v, info: ValidationInfo):
        if v:
            return v
        return len(info.data.get("body", "").split())

    @model_validator(mode="after")
    def check_publication(self):
        # v1 root validators edited a plain dict: writing through __dict__ keeps that, where
        # attribute assignment would add "published_on" to model_fields_set (and so change
        # model_dump(exclude_unset=True)).
        values = self.__dict__
        published = values.get("published")
        published_on = values.get("published_on")
        if published and published_on is None and "published_on" in values:
            raise ValueError("a published article needs a publication date")
        if not published:
            values["published_on"] = None
        return self


def _plain(value):
    """JSON-safe copy of a dump, keeping dates distinguishable from strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _failure(exc):
    # Locations only (messages differ between Pydantic versions); "__root__" marks a model-level
    # error in v1 and is dropped, v2 reports those at the model itself.
    locs = {tuple(p for p in err["loc"] if p != "__root__") for err in exc.errors()}
    return {"failed": True, "locs": [list(loc) for loc in sorted(locs, key=repr)]}


def _build(model, data):
    try:
        instance = model(**data)
    except ValidationError as exc:
        return _failure(exc)
    return {"failed": False, "dump": _plain(instance.model_dump())}


SIGNUPS = {
    "valid": {
        "username": "Ada_L",
        "email": "ada@Example.TEST",
        "password": "correct-horse-9",
        "password_confirm": "correct-horse-9",
        "first_name": "  ada ",
        "last_name": "lovelace",
        "tags": "math, poetry,, engines ",
    },
    "legacy_keys": {
        "userName": "grace",
        "mail": "grace@NAVY.test",
        "password": "c0b0l-rules",
        "password_confirm": "c0b0l-rules",
        "first_name": "grace",
        "last_name": "hopper",
        "tags": ["navy", "compilers"],
        "newsletter": "yes",
    },
    "legacy_and_new_key": {
        "userName": "ignored",
        "username": "kept_name",
        "email": "k@example.test",
        "password": "pa55word!",
        "password_confirm": "pa55word!",
        "first_name": "k",
        "last_name": "n",
    },
    "reserved_username": {
        "username": "Admin",
        "email": "a@b.c",
        "password": "12345678x",
        "password_confirm": "12345678x",
        "first_name": "a",
        "last_name": "b",
    },
    "mismatched_passwords": {
        "username": "bob",
        "email": "bob@example.test",
        "password": "hunter2hunter2",
        "password_confirm": "hunter3hunter3",
        "first_name": "bob",
        "last_name": "b",
    },
    "weak_password_and_mismatch": {
        "username": "carol",
        "email": "carol@example.test",
        "password": "short",
        "password_confirm": "different",
        "first_name": "carol",
        "last_name": "c",
    },
    "many_problems": {
        "username": "x",
        "email": "no-at-sign",
        "password": "alllettersonly",
        "password_confirm": "alllettersonly",
        "first_name": "   ",
        "last_name": "",
        "tags": {"not": "a list"},
    },
    "missing_fields": {"username": "dave"},
}

ARTICLES = {
    "draft_defaults": {"title": "  Hello, World!  ", "body": "one two three"},
    "explicit_slug_and_count": {
        "title": "Ignored for slug",
        "slug": "My Custom Slug",
        "body": "a b",
        "word_count": 10,
    },
    "published_with_date": {
        "title": "Release notes",
        "body": "new things",
        "published": True,
        "published_on": "2022-03-14",
    },
    "draft_with_date_is_cleared": {
        "title": "Not yet",
        "published": False,
        "published_on": "2022-01-01",
    },
    "published_without_date": {"title": "Oops", "published": True},
    "published_with_null_date": {"title": "Oops", "published": True, "published_on": None},
    "blank_title": {"title": "   ", "body": "text"},
    "bad_word_count": {"title": "Count", "word_count": "many"},
}


def exercise():
    record = {"signup": {}, "article": {}}
    for name, data in SIGNUPS.items():
        record["signup"][name] = _build(SignUp, data)
    for name, data in ARTICLES.items():
        record["article"][name] = _build(Article, data)
    # Validators do not run again on an explicit copy, and fields_set follows the input.
    article = Article(title="Copy me", body="x y z")
    record["article_fields_set"] = sorted(article.model_fields_set)
    record["article_exclude_unset"] = _plain(article.model_dump(exclude_unset=True))
    return record
