"""The doccano boundary: records ⇄ doccano JSONL (``convert``, the only code that counts UTF-16 units), the local
server (``server``), pushing and pulling projects (``sync``) and landing pulled annotations in the corpus (``land``)."""
