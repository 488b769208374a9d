"""Who takes a job at a place: the jurisdiction's desks, else the nearest station."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from dispatch.geo.data import CITY_SERVICES, Jurisdiction, Section, Station
from dispatch.geo.network import geodesic_m, local_metres
from dispatch.model import Address, Service


class Desks:
    """The stations of a map, indexed for recipients and nearest-station look-ups.

    Args:
        stations: Every station.
        jurisdictions: Every jurisdiction (their ``recipients`` name units).
        sections: Every section (their ``centre`` names a section centre).
    """

    def __init__(self, stations: Iterable[Station], jurisdictions: Iterable[Jurisdiction],
                 sections: Iterable[Section]) -> None:
        self.stations: dict[Address, Station] = {}
        self.by_service: dict[Service, list[Station]] = {}
        for s in stations:
            self.stations[s.address] = s
            self.by_service.setdefault(s.service, []).append(s)
        # Addresses built once per map: each one validates its unit id, which
        # cost more than the rest of finding a point's recipients.
        self._city = {
            j.id: tuple((svc, Address(svc, j.recipients[svc]) if j.recipients.get(svc) else None)
                        for svc in CITY_SERVICES)
            for j in jurisdictions
        }
        self._no_city = tuple((svc, None) for svc in CITY_SERVICES)
        self._centre = {s.id: Address(Service.SECTION, s.centre) for s in sections if s.centre}

    def recipients(self, lat: float, lon: float, jur: Jurisdiction | None,
                   sec: Section | None, notes: list[str]) -> dict[Service, Address]:
        """Who takes a job at ``(lat, lon)``, per service; fallbacks are added to ``notes``."""
        out: dict[Service, Address] = {}
        for svc, addr in self._city[jur.id] if jur else self._no_city:
            if addr is not None:
                out[svc] = addr
                continue
            near = self.nearest(lat, lon, svc)
            if near:
                # Outside every jurisdiction (or one that names no desk): the
                # nearest desk, said out loud so the operator can check.
                out[svc] = near.address
                notes.append(f"no jurisdiction names a {svc.value} desk here: "
                             f"nearest is {near.address}")
        centre = self._centre.get(sec.id) if sec is not None else None
        if centre is not None:
            out[Service.SECTION] = centre
        ops = self.nearest(lat, lon, Service.OPS)
        if ops:
            out[Service.OPS] = ops.address
        return out

    def nearest(self, lat: float, lon: float, service: Service) -> Station | None:
        """The nearest station of a service, ranked without geodesic calls."""
        pool = self.by_service.get(service)
        if not pool:
            return None
        if len(pool) == 1:
            return pool[0]
        rough = local_metres(lat, lon, [s.lat for s in pool], [s.lon for s in pool])
        return pool[int(np.argmin(rough))]

    def nearest_stations(self, lat: float, lon: float, service: Service,
                         n: int) -> list[tuple[Station, float]]:
        """The ``n`` nearest stations of a service, with geodesic distance in metres."""
        pool = self.by_service.get(service, [])
        if not pool or n <= 0:
            return []
        slat = np.array([s.lat for s in pool])
        slon = np.array([s.lon for s in pool])
        # Rank with a fast vectorised distance, then measure the few best exactly.
        rough = local_metres(lat, lon, slat, slon)
        best = np.argsort(rough)[: min(len(pool), n + 3)]
        exact = [(pool[i], geodesic_m(lat, lon, pool[i].lat, pool[i].lon)) for i in best]
        exact.sort(key=lambda sd: sd[1])
        return exact[:n]
