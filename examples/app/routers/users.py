"""Sign-up, login and user profiles."""
import asyncio
from typing import Annotated

import requests
from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.orm import Session

from app import auth, models, schemas
from app.database import get_db
from app.services.profiles import (
    fetch_profile,
    fetch_profile_async,
    profile_cache,
    warm_profile_cache,
)

router = APIRouter(prefix="/users", tags=["users"])

DbSession = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[models.User, Depends(auth.get_current_user)]


@router.post("", response_model=schemas.UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(payload: schemas.UserCreate, db: Session = Depends(get_db)):
    if db.query(models.User).filter(models.User.username == payload.username).first():
        raise HTTPException(status_code=409, detail="username already taken")
    user = models.User(
        username=payload.username,
        email=payload.email,
        full_name=payload.full_name,
        hashed_password=auth.hash_password(payload.password),
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    warm_profile_cache([user.username])
    return user


@router.post("/token", response_model=schemas.Token)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], db: DbSession):
    user = db.query(models.User).filter(models.User.username == form.username).first()
    if user is None or not auth.verify_password(form.password, user.hashed_password):
        raise HTTPException(status_code=401, detail="incorrect username or password")
    return {"access_token": auth.create_access_token(user.username), "token_type": "bearer"}


@router.get("/me")
def read_me(current_user: CurrentUser) -> schemas.UserOut:
    return schemas.UserOut.from_orm(current_user)


@router.get("/{username}", response_model=schemas.UserOut)
def get_user(username: str, db: DbSession) -> schemas.UserOut:
    user = db.query(models.User).filter(models.User.username == username).first()
    if user is None:
        raise HTTPException(status_code=404, detail="user not found")
    return user


@router.get("/{username}/profile")
async def describe(username: str) -> dict:
    cached = profile_cache.get(username)
    if cached is not None:
        return cached
    profile = fetch_profile(username)
    profile_cache.set(username, profile)
    return profile


@router.get("/{username}/profile/live")
async def describe_live(username: str) -> dict:
    return await fetch_profile_async(username)


@router.get("/{username}/profile/sync")
def describe_sync(username: str) -> dict:
    return fetch_profile(username)


@router.get("/{username}/avatar")
async def avatar(username: str) -> dict:
    profile = await asyncio.to_thread(fetch_profile, username)
    return {"avatar_url": profile.get("avatar_url")}


@router.get("/{username}/gravatar")
async def gravatar(username: str) -> dict:
    url = f"https://avatars.internal.test/{username}.json"
    response = await asyncio.to_thread(requests.get, url, timeout=5)
    return response.json()


@router.get("/{username}/status")
def chat_status(username: str) -> dict:
    response = requests.get(f"https://chat.internal.test/api/status/{username}", timeout=5)
    return response.json()
