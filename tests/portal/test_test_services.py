"""The test tooling itself: it finds PostgreSQL off PATH and never runs the server as root."""

import os
import pwd
from pathlib import Path

import pytest
from django.db import connection

from tests.plugins.services import find_executable


def test_finds_the_newest_postgresql_when_it_is_not_on_path(tmp_path):
    for version in ("13", "15", "9.6"):
        binary = tmp_path / "lib" / "postgresql" / version / "bin" / "initdb"
        binary.parent.mkdir(parents=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    found = find_executable("initdb-not-on-path", (str(tmp_path / "lib/postgresql/*/bin/initdb"),))
    assert Path(found) == tmp_path / "lib" / "postgresql" / "15" / "bin" / "initdb"


def test_a_missing_tool_says_what_to_install(tmp_path):
    with pytest.raises(RuntimeError, match="is not installed"):
        find_executable("initdb-not-on-path", (str(tmp_path / "nothing/*/initdb"),))


@pytest.mark.django_db
def test_postgresql_server_process_does_not_run_as_root():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    uid = Path(f"/proc/{pid}/status").stat().st_uid
    expected = pwd.getpwnam("postgres").pw_uid if os.geteuid() == 0 else os.geteuid()
    assert uid == expected
    assert uid != 0
