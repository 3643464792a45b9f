"""fastapi-lint: a linter and autofixer for FastAPI and Pydantic code."""

__version__ = "0.1.0"
