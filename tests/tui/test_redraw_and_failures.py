"""How the App tells the screens and the operator: one redraw per frame however many
events it saw, and a worker that fails is always a notice, never only a log line."""

from __future__ import annotations

import pytest

from launch_tui.errors import LaunchError
from launch_tui.tui.screens.section import SectionScreen
from launch_tui.tui.widgets.detail import ItemDetail

from .driver import settle


async def finished(pilot, worker) -> None:
    await settle(pilot)  # a failed worker is waited for like any other
    assert worker.is_finished


def notices(app) -> list[tuple[str, str]]:
    return [(str(notification.message), notification.severity) for notification in app._notifications]


async def test_many_events_in_one_frame_redraw_the_screen_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SectionScreen)
        item_id = screen.current_item
        assert item_id is not None
        drawn: list[int] = []
        draw = screen.draw
        screen.draw = lambda: (drawn.append(1), draw())[1]  # counts the draws; each still draws
        for number in range(1, 21):  # a sweep's burst: twenty events before the loop breathes
            app.launch.add_note(item_id, f"note {number}")
        await pilot.pause()
        await pilot.pause()
        assert drawn == [1]
        assert "note 20" in str(screen.query_one(ItemDetail).query_one("#detail-body").render())


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (RuntimeError("the disk went away"), ("a step failed: RuntimeError: the disk went away", "error")),
        (LaunchError("acme.toml: nothing was sent"), ("acme.toml: nothing was sent", "warning")),  # a refusal, as is
    ],
    ids=["unexpected", "refusal"],
)
async def test_a_worker_that_fails_says_so(make_app, error, said):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:

        async def failing() -> None:
            raise error

        await finished(pilot, app.run_worker(failing(), exit_on_error=False, description="a step"))
        assert said in notices(app)
