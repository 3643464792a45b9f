"""A 2022-style FastAPI inventory service -- migrated by hand to Pydantic v2 and lifespan.

Harness self-check, not shipped: tests/behaviour/test_harness.py runs this file under the v2 venv
and compares its record with the v1 recording of fixtures/migration/app_lifecycle.py. The PATCH
handler keeps ``model_dump()`` without ``exclude_unset``: the FAL304 fix renames, it does not
repair the FAL501 bug (that fix is unsafe precisely because it changes this recording).

Original description:

``@app.on_event("startup")`` / ``("shutdown")`` handlers (one async, one sync) that connect and
seed a fake database and record what happened; body models with ``class Config``; a
``response_model`` fed ORM-like objects (``orm_mode``); and a PATCH handler that merges
``item.dict()`` into the stored row -- without ``exclude_unset``, so fields the client did not
send are overwritten with ``None`` (the FAL501 pattern, recorded as the v1 behaviour).

``exercise()`` drives the app with Starlette's ``TestClient`` inside ``with`` (so startup and
shutdown run) and once without (so they do not), and records responses and the app's state.
"""

from contextlib import asynccontextmanager
from typing import Dict, List, Optional

from fastapi import FastAPI, HTTPException, status
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field, field_validator


class FakeDatabase:
    """Stands in for a connection pool: must be connected before use."""

    def __init__(self):
        self.connected = False
        self.rows: Dict[int, "ItemRow"] = {}
        self.next_id = 1

    def connect(self):
        self.connected = True

    def close(self):
        self.connected = False

    def insert(self, **fields):
        row = ItemRow(id=self.next_id, **fields)
        self.rows[row.id] = row
        self.next_id += 1
        return row


class ItemRow:
    def __init__(self, id, name, price, description=None, tags=None, stock=0):
        self.id = id
        self.name = name
        self.price = price
        self.description = description
        self.tags = list(tags or [])
        self.stock = stock


class ItemIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=50)
    price: float = Field(..., gt=0)
    description: Optional[str] = None
    tags: List[str] = []
    stock: int = 0

    model_config = ConfigDict(str_strip_whitespace=True)

    @field_validator("tags")
    @classmethod
    def dedupe_tags(cls, v):
        seen = []
        for tag in v:
            if tag not in seen:
                seen.append(tag)
        return seen


class ItemUpdate(BaseModel):
    name: Optional[str] = None
    price: Optional[float] = None
    description: Optional[str] = None
    tags: Optional[List[str]] = None
    stock: Optional[int] = None


class ItemOut(BaseModel):
    id: int
    name: str
    price: float
    description: Optional[str] = None
    tags: List[str]
    stock: int

    model_config = ConfigDict(from_attributes=True)


@asynccontextmanager
async def lifespan(app):
    await connect_database()
    seed_database()
    yield
    close_database()


app = FastAPI(title="Inventory", lifespan=lifespan)
db = FakeDatabase()
events: List[str] = []


async def connect_database():
    db.connect()
    events.append("startup:connect")


def seed_database():
    if not db.rows:
        db.insert(name="Mug", price=4.5, description="Blue", tags=["kitchen"], stock=10)
        db.insert(name="Plate", price=7.0, stock=3)
    events.append(f"startup:seed:{len(db.rows)}")
    app.state.ready = True


def close_database():
    events.append(f"shutdown:close:{len(db.rows)}")
    db.close()
    app.state.ready = False


def _connected_db() -> FakeDatabase:
    if not db.connected:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "database not connected")
    return db


@app.get("/health")
def health():
    return {"ready": getattr(app.state, "ready", False), "connected": db.connected}


@app.get("/debug/rows/{item_id}")
def raw_row(item_id: int):
    row = _connected_db().rows.get(item_id)
    return None if row is None else dict(vars(row))


@app.get("/items", response_model=List[ItemOut])
def list_items():
    return list(_connected_db().rows.values())


@app.get("/items/{item_id}", response_model=ItemOut)
def get_item(item_id: int):
    row = _connected_db().rows.get(item_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    return row


@app.post("/items", response_model=ItemOut, status_code=status.HTTP_201_CREATED)
def create_item(item: ItemIn):
    return _connected_db().insert(**item.model_dump())


@app.patch("/items/{item_id}", response_model=ItemOut)
async def update_item(item_id: int, item: ItemUpdate):
    row = _connected_db().rows.get(item_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "item not found")
    stored = ItemOut.model_validate(row)
    update_data = item.model_dump()  # noqa: FAL501 - keeps the original app's bug, on purpose
    updated = stored.model_copy(update=update_data)
    for key, value in updated.model_dump().items():
        setattr(row, key, value)
    return row


def _response(response):
    if response.status_code >= 500:
        return {"status": response.status_code}
    body = response.json()
    if response.status_code == 422:
        # Locations only: messages and error types differ between Pydantic versions. v1 files
        # model-level errors under "__root__", v2 at the model itself: the segment is dropped.
        locs = {tuple(p for p in err["loc"] if p != "__root__") for err in body["detail"]}
        locs = sorted(locs, key=repr)
        return {"status": 422, "error_locs": [list(loc) for loc in locs]}
    return {"status": response.status_code, "body": body}


def exercise():
    record = {}
    # Without the context manager no startup handler runs.
    bare = TestClient(app, raise_server_exceptions=False)
    record["without_lifespan"] = {
        "health": _response(bare.get("/health")),
        "items": _response(bare.get("/items")),
        "events": list(events),
    }

    # raise_server_exceptions=False: a server error is recorded as the 500 a client would get.
    with TestClient(app, raise_server_exceptions=False) as client:
        record["events_after_startup"] = list(events)
        calls = [
            ("health", client.get("/health")),
            ("list", client.get("/items")),
            ("get", client.get("/items/1")),
            ("get_missing", client.get("/items/99")),
            ("get_bad_id", client.get("/items/abc")),
            (
                "create",
                client.post(
                    "/items",
                    json={"name": "  Bowl ", "price": "3.25", "tags": ["a", "b", "a"]},
                ),
            ),
            ("create_invalid", client.post("/items", json={"name": "", "price": 0})),
            ("create_missing_body", client.post("/items")),
            ("create_bad_types", client.post("/items", json={"price": "x", "tags": "y"})),
            # PATCH with only the price: item.dict() also sends name=None, description=None ...
            ("patch_price_only", client.patch("/items/1", json={"price": 5.0})),
            ("after_patch", client.get("/items/1")),
            ("after_patch_row", client.get("/debug/rows/1")),
            ("patch_full", client.patch("/items/2", json={
                "name": "Dinner plate", "price": 8, "description": "White",
                "tags": ["kitchen"], "stock": 4,
            })),
            ("patch_bad", client.patch("/items/2", json={"stock": "many"})),
            ("patch_missing", client.patch("/items/42", json={"price": 1})),
            ("list_final", client.get("/items")),
        ]
        record["calls"] = {name: _response(response) for name, response in calls}
        record["events_during"] = list(events)
    record["events_after_shutdown"] = list(events)
    record["db_connected_after_shutdown"] = db.connected
    record["ready_after_shutdown"] = app.state.ready

    with TestClient(app, raise_server_exceptions=False) as client:
        record["second_run_items"] = _response(client.get("/items"))
    record["events_after_second_run"] = list(events)
    record["openapi_paths"] = sorted(app.openapi()["paths"])
    return record
