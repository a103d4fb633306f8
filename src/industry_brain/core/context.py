"""Who is acting and under which request id, for the change log and the event log.

Set by the middleware for web requests and by `acting_as()` for jobs and commands, so that nothing is
written anonymously.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from typing import Any

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("ib_actor", default=None)
_actor_label: contextvars.ContextVar[str] = contextvars.ContextVar("ib_actor_label", default="")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("ib_request_id", default="")
# Scope answers already given during this read-only request (see `remembering_scope_answers`); None outside one.
_scope_answers: contextvars.ContextVar[dict | None] = contextvars.ContextVar("ib_scope_answers", default=None)


def current_actor() -> Any:
    return _actor.get()


def current_actor_label() -> str:
    return _actor_label.get()


def current_request_id() -> str:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def set_actor(user: Any, label: str = "") -> tuple[contextvars.Token, contextvars.Token]:
    return _actor.set(user), _actor_label.set(label or (getattr(user, "username", "") or ""))


def reset_actor(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    _actor.reset(tokens[0])
    _actor_label.reset(tokens[1])


@contextlib.contextmanager
def acting_as(user: Any = None, *, label: str = "", request_id: str | None = None) -> Iterator[None]:
    """Run a block as `user` (or as a named system actor such as "job:evaluate_warnings")."""
    tokens = set_actor(user, label)
    rid_token = _request_id.set(request_id or new_request_id())
    try:
        yield
    finally:
        _request_id.reset(rid_token)
        reset_actor(tokens)


def scope_answers() -> dict | None:
    """The (user, model, object, action) -> allowed answers of the current read-only request, or None."""
    return _scope_answers.get()


@contextlib.contextmanager
def remembering_scope_answers() -> Iterator[None]:
    """Within the block, `RestrictedQuerySet.permits` answers a question it was already asked from memory: a page
    asks "may this user change this object?" from its view, its template and its panels, one query each. Used for
    GET and HEAD requests only, which change no scope: the answers live as long as the request and are never shared
    between requests or users (write guards never read them)."""
    token = _scope_answers.set({})
    try:
        yield
    finally:
        _scope_answers.reset(token)
