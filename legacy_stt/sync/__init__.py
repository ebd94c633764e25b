"""The synchronous shell, on requests: ``Client``, its transport, and the bounded wire.

``client.Client`` drives the flows of ``core.calls`` with
``transport.ServiceTransport``, which sends each request within its bounds
(``wire``: wall-clock watchdog, capped and inflated reads).
"""
