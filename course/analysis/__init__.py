"""The self-check's analysis pipeline (video, pose, motion, faults, report): no Streamlit here."""
