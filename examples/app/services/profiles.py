"""Profile lookups against the company directory service."""
import time

import httpx
import requests

from app.config import settings


def fetch_profile(username: str) -> dict:
    response = requests.get(f"{settings.profile_service_url}/people/{username}", timeout=5)
    response.raise_for_status()
    return response.json()


async def fetch_profile_async(username: str) -> dict:
    async with httpx.AsyncClient(base_url=settings.profile_service_url, timeout=5) as client:
        response = await client.get(f"/people/{username}")
        response.raise_for_status()
        return response.json()


class ProfileCache:
    """A small in-process cache of directory profiles, with a time to live."""

    def __init__(self, ttl: float = 300.0) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, dict]] = {}

    def get(self, username: str) -> dict | None:
        entry = self._entries.get(username)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def set(self, username: str, profile: dict) -> None:
        self._entries[username] = (time.monotonic() + self._ttl, profile)


profile_cache = ProfileCache()


async def warm_profile_cache(usernames: list[str]) -> None:
    for username in usernames:
        profile_cache.set(username, await fetch_profile_async(username))
