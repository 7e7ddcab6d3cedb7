"""The idempotency keys of the representative's forms, handed out signed and bound to the person (issue 16).

A form's hidden field carries its key signed for the person it was given to (and, for an answer, the complaint),
so a posted key is checked without the session: a request that overlaps the form's page and writes the session
back, a new sign-in or many forms opened meanwhile cannot make a genuine form expire. A key that was changed, made
up or signed for someone else does not verify. The signature has no time limit: the key files one complaint (or
records one answer) however often it is sent, and only the person signed in as its owner can send it.
"""

import uuid

from django.core import signing

COMPLAINT_SALT = "complaints.form-key"
ANSWER_SALT = "complaints.answer-key"


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt)


def complaint_token(*, key: uuid.UUID, user_pk: int) -> str:
    return _signer(COMPLAINT_SALT).sign_object({"k": str(key), "u": user_pk})


def answer_token(*, key: uuid.UUID, user_pk: int, complaint_id: str) -> str:
    return _signer(ANSWER_SALT).sign_object({"k": str(key), "u": user_pk, "c": str(complaint_id)})


def _unsigned(value: str, salt: str) -> dict | None:
    try:
        payload = _signer(salt).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _key(payload: dict) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(payload.get("k", "")))
    except ValueError:
        return None


def complaint_key(value: str, *, user_pk: int | None) -> uuid.UUID | None:
    """The key of a complaint form given to this person; None if it was changed or given to someone else."""
    payload = _unsigned(value, COMPLAINT_SALT)
    if payload is None or user_pk is None or payload.get("u") != user_pk:
        return None
    return _key(payload)


def answer_key(value: str, *, user_pk: int | None, complaint_id: str) -> uuid.UUID | None:
    """The key of an answer form given to this person for this complaint; None otherwise."""
    payload = _unsigned(value, ANSWER_SALT)
    if payload is None or user_pk is None or payload.get("u") != user_pk or payload.get("c") != str(complaint_id):
        return None
    return _key(payload)


def bare_key(value: str) -> uuid.UUID | None:
    """A plain key as forms carried it before they were signed: used only to find what the person already sent
    with it (their own complaint or answer), never to send anything."""
    try:
        return uuid.UUID(value) if len(value) == 36 else None
    except ValueError:
        return None
