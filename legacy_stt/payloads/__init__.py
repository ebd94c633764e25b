"""What a legacy payload means: schemas, the model families, checks, the plan for its target.

``schema`` (the shipped JSON Schemas and fast checks), ``families`` (the
legacy request's vocabularies), ``validation`` (every check of a payload),
``planning`` (payload -> create body through a model adapter), ``uploads``
and ``forms`` (audio and multipart), ``inputs`` and ``files`` (reading
payload files for ``check``, ``migrate`` and ``transcribe``). No network.
"""
