"""The served map in a real browser: headless Chromium opens the SVG URL, takes a
screenshot, and the picture is not blank (tiles, legend and title are drawn)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from persistence.tables import analytics as t
from tests.support import arrange

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
async def test_map_renders_in_headless_chromium(live_server, state, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pids = await arrange.participants(state.services.sessions, [{} for _ in range(40)])
    async with state.services.sessions() as s, s.begin():
        await s.execute(
            sa.insert(t.profession_choices),
            [
                {
                    "participant_id": p,
                    "season_code": "2027/28",
                    "created_at": arrange.NOW,
                    "profession_code": "SOFTWARE_DEVELOPER" if i % 3 else "DESIGN_ENGINEER",
                }
                for i, p in enumerate(pids)
            ],
        )
        await s.execute(
            sa.insert(t.respondent_seasons),
            [
                {
                    "participant_id": p,
                    "season_code": "2027/28",
                    "region_code": ("77", "78", "66", "54")[i % 4],
                    "average_mark": None,
                    "club_activity": False,
                    "updated_at": arrange.NOW,
                }
                for i, p in enumerate(pids)
            ],
        )
        await s.execute(
            sa.update(t.analytics_revision).values(revision=t.analytics_revision.c.revision + 1)
        )
    shot = tmp_path / "map.png"
    url = f"{live_server.url}/maps/professions.svg?season=2027/28&digital=true"
    assert CHROMIUM is not None
    done = subprocess.run(  # noqa: ASYNC221 - the test waits for the browser on purpose
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--disable-dev-shm-usage",
            f"--screenshot={shot}",
            "--window-size=1200,800",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), done.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    pixels = list(image.getdata())
    not_white = sum(1 for p in pixels if p != (255, 255, 255))
    colours = {p for p in pixels if p != (255, 255, 255)}
    assert image.size == (1200, 800)
    assert not_white / len(pixels) > 0.05, "the screenshot is (nearly) blank"
    assert len(colours) > 20  # tiles of several colours, text anti-aliasing, legend swatches
