"""Application entry point: ``uvicorn app.main:app``."""
import logging
import time

import httpx
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware

from app.config import settings
from app.database import Base, engine, session
from app.routers import items, users

logger = logging.getLogger("todo")

app = FastAPI(title=settings.app_name, version="0.4.0", debug=True)

directory_client = httpx.AsyncClient(base_url=settings.profile_service_url, timeout=5)


@app.middleware("http")
def add_process_time_header(request: Request, call_next):
    start = time.perf_counter()
    response = call_next(request)
    response.headers["X-Process-Time"] = f"{time.perf_counter() - start:.4f}"
    return response


app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
app.add_middleware(GZipMiddleware, minimum_size=1000)

app.include_router(users.router)
app.include_router(items.router)


@app.on_event("startup")
def create_tables() -> None:
    Base.metadata.create_all(bind=engine)
    logger.info("database ready")


@app.on_event("shutdown")
async def close_resources() -> None:
    await directory_client.aclose()
    session.close()
    engine.dispose()


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.get("/health/directory")
async def directory_health() -> dict:
    response = await directory_client.get("/health")
    return {"directory": response.status_code == 200}
