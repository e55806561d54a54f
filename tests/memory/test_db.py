from sqlalchemy import text

from council_core.base.db import make_engine, migrate


def test_migrations_run_once_in_order(tmp_path):
    engine = make_engine(tmp_path / "x.sqlite3")
    calls = []

    def v1(conn):
        calls.append(1)
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)"))

    def v2(conn):
        calls.append(2)
        conn.execute(text("ALTER TABLE t ADD COLUMN b TEXT"))

    assert migrate(engine, "demo", [v1]) == 1
    assert migrate(engine, "demo", [v1, v2]) == 2
    assert migrate(engine, "demo", [v1, v2]) == 2
    assert calls == [1, 2]
    with engine.connect() as c:
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
