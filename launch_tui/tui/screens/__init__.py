"""The wizard's screens. A state screen is installed under `screen_name(id)` for each
section id, and for the two pages that are not sections: the summary and the timeline."""

SUMMARY = "summary"
TIMELINE = "timeline"  # replay only


def screen_name(section_id: str) -> str:
    return f"section-{section_id}"
