"""Application settings, read from the environment (variables prefixed with ``TODO_``)."""
from typing import Optional

from pydantic import BaseSettings, Field


class Settings(BaseSettings):
    app_name: str = "Todo API"
    database_url: str = "sqlite:///./todo.db"
    secret_key: str = "dev-secret-change-me"
    jwt_algorithm: str = "HS256"
    access_token_expire_minutes: int = 60
    token_url: str = "/users/token"
    profile_service_url: str = "https://directory.internal.test"
    attachment_dir: str = "var/attachments"
    sentry_dsn: Optional[str] = None
    cors_origins: list[str] = Field(default_factory=list)

    class Config:
        env_prefix = "TODO_"
        env_file = ".env"


settings = Settings()
