"""The engine registry: every module in this package that defines an `Engine` subclass with a
`name` is an engine. `detect_engine` asks each one how sure it is and takes the best."""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import lru_cache

from crawler.engines.base import ApiPage, Engine, Page, ThreadLink, ThreadPage

__all__ = ["ApiPage", "Engine", "Page", "ThreadLink", "ThreadPage", "all_engines", "detect_engine", "get_engine",
           "DETECT_THRESHOLD"]

DETECT_THRESHOLD = 0.5
_NOT_ENGINES = {"base", "dates", "overrides"}


@lru_cache(maxsize=1)
def all_engines() -> dict[str, type[Engine]]:
    """name -> engine class, for every engine module in this package."""
    found: dict[str, type[Engine]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name in _NOT_ENGINES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Engine) and value is not Engine
                    and value.__module__ == module.__name__ and getattr(value, "name", "base") != "base"):
                found[value.name] = value
    return dict(sorted(found.items()))


def get_engine(name: str, overrides: Mapping[str, str] | None = None, timezone_name: str | None = None) -> Engine:
    """An engine by name; `ValueError` listing the known names when there is none."""
    engines = all_engines()
    if name not in engines:
        raise ValueError(f"unknown engine {name!r}; known engines: {', '.join(engines)}")
    return engines[name](overrides=overrides, timezone_name=timezone_name)


def detect_engine(page: Page, threshold: float = DETECT_THRESHOLD) -> tuple[Engine | None, float, dict[str, float]]:
    """The engine most sure it made `page` (None below `threshold`), its score, and the scores of the
    engines asked (all of them unless one was sure: 1.0)."""
    engines = all_engines()
    scores: dict[str, float] = {}
    for name, cls in sorted(engines.items(), key=lambda item: not item[1].DETECT_FIRST):
        if not cls.FALLBACK:
            scores[name] = cls().detect(page)
            if scores[name] >= 1.0:
                break  # none scores higher, and none ties: tests/test_detect_matrix.py
    best = max(scores, key=scores.get, default=None)
    if best is None or scores[best] < threshold:  # fallbacks (the generic engine) only when no engine knows the page
        scores.update({name: cls().detect(page) for name, cls in engines.items() if cls.FALLBACK})
        best = max(scores, key=scores.get, default=None)
    if best is None or scores[best] < threshold:
        return None, scores.get(best, 0.0) if best else 0.0, scores
    return engines[best](), scores[best], scores
