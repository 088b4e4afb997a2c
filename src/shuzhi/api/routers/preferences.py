"""Display preferences: the colour convention for changes (涨跌颜色) — the company's, and each user's own."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from shuzhi.api.deps import DbDep, PrincipalDep, require
from shuzhi.api.routers.auth import ERRORS
from shuzhi.auth.credentials import Principal
from shuzhi.catalog import preferences as store

router = APIRouter(prefix="/preferences", tags=["preferences"])
Admin = Annotated[Principal, Depends(require("users:manage"))]
ChangeColors = Literal["red_up", "green_up"]


class DisplaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    change_colors: ChangeColors = Field(description="red_up: a rise is red, a fall green (红涨绿跌, the Chinese "
                                        "convention); green_up: the reverse (绿涨红跌).")


class OwnSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    change_colors: ChangeColors | None = Field(default=None, description="null: follow the company's setting.")


class PreferencesOut(BaseModel):
    """What applies to the caller (`effective`), the company's settings and the caller's own overrides."""

    effective: DisplaySettings
    company: DisplaySettings
    own: OwnSettings


def _out(db: DbDep, username: str) -> PreferencesOut:
    return PreferencesOut(effective=DisplaySettings(**store.effective(db, username)),
                          company=DisplaySettings(**store.company(db)), own=OwnSettings(**store.own(db, username)))


@router.get("", response_model=PreferencesOut, responses=ERRORS, summary="Display preferences / 显示偏好")
def get_preferences(principal: PrincipalDep, db: DbDep) -> PreferencesOut:
    return _out(db, principal.username)


@router.put("", response_model=PreferencesOut, responses=ERRORS, summary="Set my display preferences / 设置我的显示偏好")
def set_own(body: OwnSettings, principal: PrincipalDep, db: DbDep) -> PreferencesOut:
    store.set_own(db, principal.username, "change_colors", body.change_colors)
    db.flush()
    return _out(db, principal.username)


@router.put("/company", response_model=PreferencesOut, responses=ERRORS,
            summary="Set the company's display settings (admins) / 设置公司默认显示")
def set_company(body: DisplaySettings, admin: Admin, db: DbDep) -> PreferencesOut:
    store.set_company(db, "change_colors", body.change_colors, admin.username)
    db.flush()
    return _out(db, admin.username)
