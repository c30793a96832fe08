"""Packaging beyond pyproject.toml: the migrations and the default content packs ship inside
the installed package, as `bot/_data/migrations` and `bot/_data/content`, built from the
top-level `migrations/` and `content/` where people edit them (`bot/assets.py` finds them)."""

from setuptools import find_packages, setup

DATA = {
    "bot._data.migrations": "migrations",
    "bot._data.migrations.versions": "migrations/versions",
    "bot._data.content": "content",
}

setup(
    packages=[*find_packages(include=["bot", "bot.*"]), *DATA],
    package_dir=DATA,
    package_data={
        "bot": ["py.typed"],
        "bot._data.migrations": ["script.py.mako"],
        "bot._data.content": ["*/*.yaml", "*/*.yml", "*/*.md"],
        # "*/*.md": a pack may carry a README next to its YAML.
    },
    exclude_package_data={"bot._data.content": ["*/.reload"]},
)
