"""The one place the version is written; setup.cfg reads it from here."""

#: The installed version of legacy-stt.
__version__ = "0.1.0"
