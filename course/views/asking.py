"""Buttons that ask first: deleting, closing, removing and leaving all show what goes with them
and wait for a second, explicit press."""

from __future__ import annotations

from typing import Any

import streamlit as st

ASKING = "asking_first"  # session state: what is being asked about, e.g. ("remove", 7)


def asked_first(
    what: tuple[str, int], button: str, warning: str, yes: str, no: str, *, icon: str, place: Any = None
) -> bool:
    """A button that asks first: True once `yes` was pressed under `warning`, False until then
    (and after `no`). what: (action, id), unique on the page; the buttons' keys are "action-id",
    "action-yes-id" and "action-no-id". place: where the first button goes (a column), default
    the page."""
    action, thing = what
    if st.session_state.get(ASKING) != what:
        if (place or st).button(button, key=f"{action}-{thing}", icon=icon, width="stretch" if place else "content"):
            st.session_state[ASKING] = what
            st.rerun()
        return False
    st.warning(warning, icon=icon)
    really, keep = st.columns(2)
    if keep.button(no, key=f"{action}-no-{thing}", width="stretch"):
        st.session_state.pop(ASKING, None)
        st.rerun()
    if really.button(yes, type="primary", key=f"{action}-yes-{thing}", width="stretch"):
        st.session_state.pop(ASKING, None)
        return True
    return False


__all__ = ["asked_first"]
