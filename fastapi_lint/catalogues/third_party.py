"""Well-known third-party classes and objects, for when the project's environment cannot say.

When a project imports a class from an installed package, the package itself answers what the
class is (`semantic/external.py` reads its class headers). This table answers when the package
is not installed where the linter looks (no venv, a CI job without dependencies), so that the
most common bases are still recognised; anything else stays unknown, never guessed.

How the entries were chosen: the libraries FastAPI projects use to declare their models on top
of Pydantic — ODMs (Beanie and its sync twin Bunnet, ODMantic, Redis OM), ORMs whose models are
Pydantic models (SQLModel, ormar), and the helper bases of FastAPI utility packages
(fastapi-camelcase, fastapi-utils, fastapi-users' schemas) — plus the session object that
FastAPI-SQLAlchemy exports. Each name and its base was read in the released package's source
(Beanie 2.2, Bunnet 1.3, ODMantic 1.1, Redis OM 1.2, ormar 0.26, fastapi-camelcase 2.0,
fastapi-utils 0.8, fastapi-users 15.0, FastAPI-SQLAlchemy 0.2), at the path the package
exports it from and at the module that defines it. Projects add their own with
`extend-model-bases` in the configuration.
"""

from __future__ import annotations

# Classes that are Pydantic models (subclasses of `pydantic.BaseModel`).
MODEL_BASES: frozenset[str] = frozenset(
    {
        # Beanie: `Document(LazyModel, ...)`, `LazyModel(BaseModel)`; `View(BaseModel, ...)`
        "beanie.Document",
        "beanie.odm.documents.Document",
        "beanie.DocumentWithSoftDelete",
        "beanie.odm.documents.DocumentWithSoftDelete",
        "beanie.View",
        "beanie.odm.views.View",
        # Bunnet, Beanie's synchronous twin
        "bunnet.Document",
        "bunnet.odm.documents.Document",
        "bunnet.View",
        "bunnet.odm.views.View",
        # ODMantic: `Model(_BaseODMModel)`, `_BaseODMModel(pydantic.BaseModel)`
        "odmantic.Model",
        "odmantic.model.Model",
        "odmantic.EmbeddedModel",
        "odmantic.model.EmbeddedModel",
        # Redis OM: `RedisModel(BaseModel, ...)`
        "redis_om.HashModel",
        "redis_om.JsonModel",
        "redis_om.EmbeddedJsonModel",
        "redis_om.model.HashModel",
        "redis_om.model.JsonModel",
        "redis_om.model.EmbeddedJsonModel",
        "redis_om.model.model.HashModel",
        "redis_om.model.model.JsonModel",
        "redis_om.model.model.EmbeddedJsonModel",
        # ormar: `Model(ModelRow)`, `ModelRow(NewBaseModel)`, `NewBaseModel(pydantic.BaseModel)`
        "ormar.Model",
        "ormar.models.model.Model",
        # fastapi-camelcase: `CamelModel(BaseModel)`
        "fastapi_camelcase.CamelModel",
        # fastapi-utils: `APIModel(BaseModel)`
        "fastapi_utils.api_model.APIModel",
        # fastapi-users' schemas: `CreateUpdateDictModel(BaseModel)` and its subclasses
        "fastapi_users.schemas.BaseUser",
        "fastapi_users.schemas.BaseUserCreate",
        "fastapi_users.schemas.BaseUserUpdate",
        "fastapi_users.schemas.CreateUpdateDictModel",
        "fastapi_users.schemas.BaseOAuthAccount",
        "fastapi_users.schemas.BaseOAuthAccountMixin",
    }
)

# Module-level objects whose attributes have a known type: `db.session` of FastAPI-SQLAlchemy
# is a SQLAlchemy `Session` (a property of the `DBSessionMeta` metaclass of `db`).
OBJECT_TYPES: dict[str, str] = {
    "fastapi_sqlalchemy.db.session": "sqlalchemy.orm.Session",
    "fastapi_sqlalchemy.middleware.db.session": "sqlalchemy.orm.Session",
}
