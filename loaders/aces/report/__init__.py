"""``aces report``: a static corpus browser that opens from disk (statistics, charts, validation, every document).

``build_site(records, out_dir, validation)`` writes ``index.html`` and ``docs/<id>.html``; ``screenshot`` draws a
page with headless Chromium for the docs. Nothing in the site is fetched: CSS, script and SVG charts are inline.
``document.document_page(record)`` is also the page ``aces show`` writes: there is one renderer of a record.
"""

from aces.report.site import Site, build_site

__all__ = ["Site", "build_site"]
