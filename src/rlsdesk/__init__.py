"""rlsdesk: offline decision support for supplements in RLS and nocturnal leg cramps."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rlsdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
