"""The protocol core: the rules of a legacy call, with no I/O.

``steps`` (the requests, answers and steps a flow exchanges with a shell),
``protocol`` (create, poll, retries, typed errors), ``polling`` (schedules
and statuses), ``retries`` (``RetryPolicy``, back-pressure), ``bodies``
(bounded answer bodies), ``settings`` (base URLs, the key holder) and
``calls`` (``ClientCore``: each call as a flow). The shells in ``sync`` and
``aio`` only send and sleep.
"""
