"""Where the benchmarks keep their synthetic posts: a SQLite file in bench/.data or a
PostgreSQL database per size, generated once and shared by both benchmarks and later runs."""

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "bench" / ".data"
RESULTS = PROJECT / "bench" / "results"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(engine: str, size: int) -> str:
    if engine == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DATA / f'posts-{size}.sqlite3'}"
    return f"{POSTGRES_SERVER}/bench_posts_{size}"


def postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def create_database_once(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
