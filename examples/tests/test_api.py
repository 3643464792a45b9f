"""API tests for the todo service."""
import httpx
import pytest
from fastapi.testclient import TestClient
from httpx import ASGITransport
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from app import models
from app.auth import get_current_user
from app.database import Base, get_db
from app.main import app


@pytest.fixture
def db_session():
    engine = create_engine("sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool)
    Base.metadata.create_all(bind=engine)
    db = sessionmaker(bind=engine)()
    try:
        yield db
    finally:
        db.close()
        engine.dispose()


@pytest.fixture
def client(db_session):
    app.dependency_overrides[get_db] = lambda: db_session
    yield TestClient(app)
    app.dependency_overrides.clear()


@pytest.fixture
def alice():
    return models.User(id=1, username="alice", email="alice@example.test", hashed_password="x")


@pytest.mark.anyio
async def test_health():
    async with httpx.AsyncClient(app=app, base_url="http://test") as ac:
        response = await ac.get("/health")
    assert response.status_code == 200


@pytest.mark.anyio
async def test_health_through_transport():
    transport = ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as ac:
        response = await ac.get("/health")
    assert response.json() == {"status": "ok"}


def test_create_user(client):
    response = client.post(
        "/users",
        json={"username": "bob", "email": "bob@example.test", "password": "correct-horse", "full_name": "Bob"},
    )
    assert response.status_code == 201
    assert response.json()["username"] == "bob"


def test_read_me(alice):
    app.dependency_overrides[get_current_user] = lambda: alice
    client = TestClient(app)
    response = client.get("/users/me")
    assert response.json()["username"] == "alice"


def test_list_items_is_empty(client, alice):
    app.dependency_overrides[get_current_user] = lambda: alice
    try:
        response = client.get("/items")
    finally:
        app.dependency_overrides.pop(get_current_user, None)
    assert response.json() == []
