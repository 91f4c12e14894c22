"""Simulate an insider with database access: drop the append-only guard, then edit rows."""

from __future__ import annotations

from sqlalchemy import Connection, text


def drop_append_only_guard(connection: Connection) -> None:
    """Disable the triggers that refuse UPDATE/DELETE (rolled back with the test's transaction)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
    else:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("DROP TRIGGER audit_event_no_delete"))


def rewrite_actor(connection: Connection, sequence: int, actor: str) -> None:
    """Change who did something, as a DBA covering tracks would."""
    connection.execute(
        text("UPDATE audit_event SET actor = :a WHERE sequence = :s"), {"a": actor, "s": sequence}
    )


def delete_event(connection: Connection, sequence: int) -> None:
    """Remove one event."""
    connection.execute(text("DELETE FROM audit_event WHERE sequence = :s"), {"s": sequence})
