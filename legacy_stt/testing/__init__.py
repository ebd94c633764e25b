"""Testing helpers: an emulator of the speech-to-text service, and a pytest fixture.

``Emulator`` is a real HTTP server on loopback that follows the published
API description. With legacy-stt installed, pytest offers the fixture
``stt_emulator`` (a running emulator, fresh for each test)::

    def test_transcribe(stt_emulator):
        client = legacy_stt.Client("test-key", base_url=stt_emulator.url)
        ...

Nothing in ``legacy_stt`` itself imports this package.
"""

from .emulator import ROUTES, VOCABULARIES, Emulator, Fault, Job, RecordedRequest

__all__ = ["Emulator", "Fault", "Job", "RecordedRequest", "ROUTES", "VOCABULARIES"]
