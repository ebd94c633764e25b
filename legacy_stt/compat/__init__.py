"""The compatibility surfaces: old code keeps calling ``POST /v1/stt``.

``endpoint`` and ``async_endpoint`` answer a legacy request on the two-step
API; ``requests_dropin`` and ``httpx_dropin`` do it inside old Python code;
``proxy`` (with ``request_bodies``) for any other language; ``api`` is the
one-line ``legacy_stt.stt()``.
"""
