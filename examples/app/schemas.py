"""Request and response bodies."""
from datetime import datetime
from typing import Optional

from pydantic import BaseModel, Field, conint, constr, root_validator, validator


class ORMModel(BaseModel):
    class Config:
        orm_mode = True


class UserCreate(BaseModel):
    username: constr(min_length=3, max_length=50)
    email: str = Field(..., regex=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    password: str = Field(..., min_length=8)
    full_name: Optional[str]

    @validator("username")
    def username_is_a_slug(cls, value: str) -> str:
        if not value.replace("-", "").replace("_", "").isalnum():
            raise ValueError("username may only contain letters, digits, '-' and '_'")
        return value.lower()


class UserOut(ORMModel):
    id: int
    username: str
    email: str
    full_name: Optional[str] = None
    is_active: bool
    created_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class ItemBase(BaseModel):
    title: constr(strip_whitespace=True, min_length=1, max_length=200)
    description: Optional[str] = None
    priority: conint(ge=1, le=5) = 3
    due_date: Optional[datetime] = None


class ItemCreate(ItemBase):
    @validator("due_date")
    def due_date_not_in_the_past(cls, value: Optional[datetime]) -> Optional[datetime]:
        if value is not None and value < datetime.utcnow():
            raise ValueError("due date is in the past")
        return value


class ItemUpdate(BaseModel):
    title: Optional[str] = None
    description: Optional[str] = None
    done: Optional[bool] = None
    priority: Optional[int] = Field(None, ge=1, le=5)
    due_date: Optional[datetime] = None

    @root_validator
    def at_least_one_field(cls, values):
        if all(value is None for value in values.values()):
            raise ValueError("nothing to update")
        return values


class ItemOut(ItemBase, ORMModel):
    id: int
    done: bool
    owner_id: int
    created_at: datetime
    updated_at: Optional[datetime] = None
