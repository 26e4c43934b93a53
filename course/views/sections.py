"""A lesson's sections, each heading with an anchor of its own, and a link that lands on one.

"Learn the fix" on a self-check report opens a lesson at the section it names: the link
carries ``?section=<anchor>`` (course.analysis.presenting.section_anchor). Streamlit scrolls to
a ``#anchor`` only when a page is loaded afresh, and only once: a link within the app (which
keeps the learner's session) carries no ``#``, and the 3D figures above a section push it down
as they draw, long after the text is on screen. So the named section's heading is followed by
a small script that keeps it at the top of the window while the page settles (the figures
above it drawing), stops as soon as the learner scrolls or touches the page, and gives up
after SCROLL_SETTLE_MAX_MS. The parameter stays in the address: dropping it would add a step
to the browser's history (Back would then open the lesson again, not the report). A later rerun
of the lesson (a quiz answer) draws the same script unchanged, which the browser does not run
again, so it does not pull the page back up.
"""

from __future__ import annotations

import json

import streamlit as st

from course.analysis.presenting import section_anchor
from course.content import Section

SECTION_PARAM = "section"  # the query parameter naming the section to open a lesson at
SCROLL_SETTLE_MS = 1500  # ms: the heading stays put this long before the script lets go
SCROLL_SETTLE_MAX_MS = 20_000  # ms: after this the script lets go anyway (figures drawn in software take up to ~8 s)


def write_section(section: Section) -> None:
    """One section of a lesson: its heading (h2, with its own anchor) and its text; the script
    that lands on it when the page was opened at it."""
    if section.heading is None:
        st.markdown(section.markdown)
        return
    anchor = section_anchor(section.heading)
    st.header(section.heading, anchor=anchor)
    st.markdown(section.markdown.partition("\n")[2])
    if st.query_params.get(SECTION_PARAM) == anchor:
        st.html(_landing_script(anchor), unsafe_allow_javascript=True)


def _landing_script(anchor: str) -> str:
    """Keep the heading with id `anchor` at the top of the window until the page settles."""
    return f"""<script>(() => {{
  const id = {json.dumps(anchor)}, started = Date.now();
  let stopped = false, still = Date.now(), before = null;
  const stop = () => {{ stopped = true; }};
  for (const kind of ["wheel", "touchstart", "keydown", "mousedown"]) {{
    window.addEventListener(kind, stop, {{capture: true, passive: true, once: true}});
  }}
  const land = () => {{
    if (stopped || Date.now() - started > {SCROLL_SETTLE_MAX_MS}) return;
    const heading = document.getElementById(id);
    if (heading) {{
      const top = heading.getBoundingClientRect().top;
      if (before === null || Math.abs(top - before) > 1) {{
        heading.scrollIntoView({{block: "start"}});
        before = heading.getBoundingClientRect().top;
        still = Date.now();
      }} else if (Date.now() - still > {SCROLL_SETTLE_MS}) {{
        return;
      }}
    }}
    setTimeout(land, 100);
  }};
  land();
}})();</script>"""
