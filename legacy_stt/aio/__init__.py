"""The asynchronous shell: ``AsyncClient`` and its transport (aiohttp on asyncio, httpx on trio).

The same flows as ``sync``, awaited: ``client.AsyncClient`` drives
``core.calls`` with ``transport.AsyncServiceTransport``. Needs
``legacy-stt[async]``.
"""
