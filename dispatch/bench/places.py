"""Locating from a caller's words against today's bare stake parse.

The baseline is :meth:`RoadMap.parse_stake` on plain stake texts (``G4 K1024+300``);
the figure is :meth:`RoadMap.locate_text` on what callers say: stake texts, spoken
numbers, landmarks with offsets and directions, coordinates, in both languages.
"""

from __future__ import annotations

import time

from dispatch.bench.report import Figure, ratio_figure
from dispatch.geo import RoadMap

#: What callers say, a mix of every form ``dispatch locate`` reads (each one clear).
SAID = (
    "G4 K1024+300", "京港澳高速1024公里300米", "京港澳一千零二十四公里", "G4 km 1024.3",
    "咸宁服务区往武汉方向2公里", "2 km past the Xianning exit towards Wuhan", "过了大悟收费站",
    "in the tunnel after the Dawu exit", "咸宁北收费站往南两公里", "30.1,114.3",
    "30°06'N 114°18'E", "just past the Xianning service area, heading to Wuhan",
)
STAKES = ("G4 K1024+300", "G50 K800+000", "G70 K1100+500", "京港澳高速1024公里处往武汉方向")


def locate_from_text(roadmap: RoadMap, n: int = 3000) -> list[Figure]:
    """Caller texts located per second, next to bare stake texts parsed per second.

    Args:
        roadmap: The loaded map.
        n: Texts for each side.

    Returns:
        One figure, target ≥ 0.5 × the bare stake parse.
    """
    roadmap.locate_text(SAID[0])  # build the words locator outside the timing

    def bare() -> float:
        start = time.perf_counter()
        for i in range(n):
            roadmap.parse_stake(STAKES[i % len(STAKES)])
        return time.perf_counter() - start

    def real() -> float:
        start = time.perf_counter()
        for i in range(n):
            roadmap.locate_text(SAID[i % len(SAID)])
        return time.perf_counter() - start

    # Alternate, best of three: the noise on a shared machine only ever adds time.
    b = min(bare() for _ in range(3))
    r = min(real() for _ in range(3))
    return [ratio_figure("locate-from-text/s", n / r, n / b, "/s", at_least=0.5,
                         note=f"{len(SAID)} caller forms vs the bare stake parse")]
