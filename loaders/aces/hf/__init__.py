"""The Hugging Face boundary: records → rows and ``datasets.Features`` (``rows``, ``columns``, ``documents``,
``tasks``), the build of the dataset folder (``build``, ``build_shards``), its card and Croissant file, publishing,
and the loaders behind ``aces.load`` (``dataset``)."""
