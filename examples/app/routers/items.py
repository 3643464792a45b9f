"""Todo items: CRUD, reminders, attachments and CSV export."""
import asyncio
import csv
import io
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import httpx
import requests
from fastapi import APIRouter, Depends, HTTPException, Query, Response, UploadFile
from sqlalchemy.orm import Session

from app import models, schemas
from app.auth import get_current_user
from app.config import settings
from app.database import get_db

router = APIRouter(prefix="/items", tags=["items"])

DbSession = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[models.User, Depends(get_current_user)]

REMINDER_WEBHOOK_URL = "https://hooks.internal.test/reminders"
SHARE_SERVICE_URL = "https://share.internal.test/api/links"
ATTACHMENT_DIR = Path(settings.attachment_dir)


def render_csv(items: list[models.Item]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "title", "done", "priority", "due_date"])
    for item in items:
        writer.writerow([item.id, item.title, item.done, item.priority, item.due_date])
    return buffer.getvalue()


@router.get("", response_model=list[schemas.ItemOut])
def list_items(
    db: DbSession,
    user: CurrentUser,
    done: Optional[bool] = None,
    search: Annotated[Optional[str], Query(max_length=100, regex=r"^[\w\s-]*$")] = None,
    limit: int = Query(50, ge=1, le=200),
):
    query = db.query(models.Item).filter(models.Item.owner_id == user.id)
    if done is not None:
        query = query.filter(models.Item.done == done)
    if search:
        query = query.filter(models.Item.title.contains(search))
    return query.order_by(models.Item.due_date).limit(limit).all()


@router.post("", response_model=schemas.ItemOut, status_code=201)
def create_item(payload: schemas.ItemCreate, db: DbSession, user: CurrentUser):
    item = models.Item(**payload.dict(), owner_id=user.id)
    db.add(item)
    db.commit()
    db.refresh(item)
    return item


@router.get("/by-owner/{owner_id}", response_model=list[schemas.ItemOut])
def items_by_owner(user_id: int, db: DbSession, user: CurrentUser):
    return db.query(models.Item).filter(models.Item.owner_id == user_id).all()


@router.get("/export.csv")
async def export_csv(user: CurrentUser) -> Response:
    loop = asyncio.get_running_loop()
    body = await loop.run_in_executor(None, render_csv, user.items)
    return Response(content=body, media_type="text/csv")


@router.patch("/{item_id}", response_model=schemas.ItemOut)
def update_item(item_id: int, item: schemas.ItemUpdate, db: DbSession, user: CurrentUser):
    stored = db.get(models.Item, item_id)
    if stored is None or stored.owner_id != user.id:
        raise HTTPException(status_code=404, detail="item not found")
    for field, value in item.dict().items():
        setattr(stored, field, value)
    stored.updated_at = datetime.utcnow()
    db.commit()
    db.refresh(stored)
    return stored


@router.delete("/{item_id}", status_code=204)
def delete_item(
    item_id: int,
    db: Session = Depends(get_db),
    user: models.User = Depends(get_current_user),
):
    stored = db.get(models.Item, item_id)
    if stored is None or stored.owner_id != user.id:
        raise HTTPException(status_code=404, detail="item not found")
    db.delete(stored)
    db.commit()


@router.get("/{item_id}/link-preview")
async def link_preview(item_id: int, url: str, user: CurrentUser) -> dict:
    response = requests.get(url, timeout=5)
    return {"item_id": item_id, "status": response.status_code, "type": response.headers.get("content-type")}


@router.post("/{item_id}/share")
def share_item(item_id: int, user: CurrentUser) -> dict:
    response = requests.post(SHARE_SERVICE_URL, json={"item_id": item_id, "owner": user.username}, timeout=5)
    response.raise_for_status()
    return response.json()


@router.post("/{item_id}/remind")
async def send_reminder(item_id: int, user: CurrentUser) -> dict:
    async with httpx.AsyncClient(timeout=5) as client:
        for attempt in range(3):
            response = await client.post(REMINDER_WEBHOOK_URL, json={"item_id": item_id, "user": user.username})
            if response.is_success:
                return {"sent": True, "attempts": attempt + 1}
            time.sleep(2**attempt)
    raise HTTPException(status_code=502, detail="reminder service unavailable")


@router.post("/{item_id}/attachments")
async def upload_attachment(item_id: int, file: UploadFile, user: CurrentUser) -> dict:
    target = ATTACHMENT_DIR / f"{item_id}-{file.filename}"
    content = await file.read()
    with open(target, "wb") as out:
        out.write(content)
    scan = subprocess.run(["clamscan", "--no-summary", str(target)], capture_output=True)
    if scan.returncode != 0:
        raise HTTPException(status_code=422, detail="attachment rejected by the virus scanner")
    return {"filename": file.filename, "size": len(content)}
