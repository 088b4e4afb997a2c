"""Request and response models of the API (the OpenAPI contract the web client is generated from)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Role = Literal["admin", "editor", "viewer"]
AttrValue = str | int | float | bool | list[str | int | float]


class ErrorDetail(BaseModel):
    code: str
    message: str
    request_id: str | None = None
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    metadata: Literal["ok", "unavailable"]
    warehouse: Literal["ok", "missing"]
    today: str


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str | None = None
    role: Role
    attributes: dict[str, AttrValue] = {}
    is_active: bool = True
    created_at: str | None = None
    last_login_at: str | None = None
    departments: list[str] = Field([], description="the departments the user belongs to (paths)")
    source: str = Field("local", description="local, or the directory that vouches for the account (ldap, ...)")
    effective_attributes: dict[str, AttrValue] = Field(
        {}, description="the attributes row rules read: the departments' (inherited) overridden by the user's own")


class MeOut(UserOut):
    permissions: list[str]
    auth_via: Literal["session", "token"]


class LoginResponse(BaseModel):
    user: UserOut
    csrf_token: str
    expires_at: str


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650)
    scope: Literal["embed"] | None = Field(default=None, description="embed: the token may only issue embed guest "
                                           "tokens (POST /embed/tokens); default: the user's full rights.")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: str
    expires_at: str | None = None
    last_used_at: str | None = None
    revoked: bool
    scope: str | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown only once.")


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    display_name: str | None = Field(default=None, max_length=128)
    attributes: dict[str, AttrValue] = {}
    departments: list[str] = Field([], max_length=50, description="department paths (each must exist)")


class UserUpdate(BaseModel):
    role: Role | None = None
    display_name: str | None = Field(default=None, max_length=128)
    attributes: dict[str, AttrValue] | None = None
    remove_attributes: list[str] | None = None
    is_active: bool | None = None
    departments: list[str] | None = Field(None, max_length=50, description="the user's departments (replaces them)")


class PasswordReset(BaseModel):
    new_password: str = Field(min_length=1, max_length=256)


class SqlRequest(BaseModel):
    sql: str = Field(min_length=1, max_length=100_000)
    limit: int = Field(default=10_000, ge=1, le=100_000)


class Column(BaseModel):
    name: str
    type: str


class SqlResult(BaseModel):
    columns: list[Column]
    rows: list[list[Any]]
    truncated: bool = False
