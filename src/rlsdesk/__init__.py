"""rlsdesk: offline decision support for supplements in RLS and nocturnal leg cramps."""

from __future__ import annotations

from functools import cache


@cache
def _installed_version() -> str:
    # importlib.metadata scans site-packages (~50 ms); only the sheet footer and --version
    # need it, so it is looked up on first use rather than at every start.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rlsdesk")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'rlsdesk' has no attribute {name!r}")
