"""What is kept of a person who asked to be forgotten: a one-way mark, no id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UTCDateTime


class ForgetMark(Base):
    """`/practice forget-me` in a workspace: the SHA-256 of `team:user` and when. Replies they
    wrote before then are never stored again, whether Slack delivers an old event late or
    recovery reads them back from a thread (their messages stay in Slack: a bot cannot delete
    them). Nothing here names them: the hash is only compared with an id already in hand."""

    __tablename__ = "forget_marks"
    __table_args__ = (Index("ix_forget_marks_team_time", "team_id", "forgotten_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Removed with the workspace's other rows (`purge_removed`).
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    user_hash: Mapped[str] = mapped_column(String(64))
    forgotten_at: Mapped[datetime] = mapped_column(UTCDateTime())
