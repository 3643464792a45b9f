"""Rules for the library upgrades FastAPI projects face: Starlette 1.0 and current FastAPI
(FAL7xx), httpx 0.28 and SQLAlchemy 2.0 (FAL8xx)."""
