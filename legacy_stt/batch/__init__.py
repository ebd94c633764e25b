"""Many legacy calls at once, resumable: the batch runner and its journal.

``runner`` takes each input through the same steps with a ``Client`` (threads)
or an ``AsyncClient`` (tasks); ``journal`` records every job so that a re-run
creates none twice.
"""
