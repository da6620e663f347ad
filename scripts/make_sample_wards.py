#!/usr/bin/env python3
"""Makes the FICTIONAL ward boundaries of the sample council (sample-data/maps/northbridge-wards.geojson).

Run once; the output is committed. Eight wards are the Voronoi cells of eight seed points inside an
irregular city outline; every edge is given a deterministic wiggle keyed by its two end points, so the
two wards that share a border share exactly the same vertices (no slivers, no gaps). Coordinates are
WGS84 lon/lat (CRS84), with ONS-style properties (WD22CD, WD22NM, LAD22CD), as an ONS Open Geography
download would have them. The shapes are invented: Northbridge is not a real place.
"""
import json, math, random

CENTRE = (-2.47, 53.64)      # lon, lat of the fictional city
KM_LAT = 1 / 111.2
KM_LON = 1 / (111.2 * math.cos(math.radians(CENTRE[1])))

WARDS = [  # code, name, (east km, north km) of the seed
    ("E05099001", "Bridgefoot", (0.3, -0.4)),
    ("E05099002", "Carr Moss", (-4.2, 2.1)),
    ("E05099003", "Dyers Green", (-1.2, 3.9)),
    ("E05099004", "Eastfield", (4.4, 0.9)),
    ("E05099005", "Ashton Vale", (-4.0, -2.6)),
    ("E05099006", "Holme Edge", (2.4, 4.1)),
    ("E05099007", "Greystone Park", (-0.6, -4.3)),
    ("E05099008", "Fellside", (3.6, -3.4)),
]


def outline():
    rnd = random.Random(7)
    pts = []
    n = 28
    for i in range(n):
        a = 2 * math.pi * i / n
        r = 6.2 + 0.9 * math.sin(3 * a + 0.4) + rnd.uniform(-0.5, 0.5)
        pts.append((r * math.cos(a) * 1.15, r * math.sin(a)))
    return pts


def clip(poly, a, b):
    """Keeps the part of `poly` nearer to seed a than to seed b (Sutherland-Hodgman)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]
    side = lambda p: (p[0] - mx) * nx + (p[1] - my) * ny  # < 0: nearer a
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def key(p):
    return (round(p[0], 3), round(p[1], 3))


def wiggle(a, b):
    """Points inside edge a-b, the same whichever way round it is walked."""
    ka, kb = key(a), key(b)
    forward = ka <= kb
    p, q = (a, b) if forward else (b, a)
    length = math.dist(p, q)
    n = int(length / 0.45)
    rnd = random.Random(f"{key(p)}{key(q)}")
    nx, ny = -(q[1] - p[1]) / (length or 1), (q[0] - p[0]) / (length or 1)
    pts = []
    for i in range(1, n):
        t = i / n
        off = rnd.uniform(-0.12, 0.12) * min(1.0, length / 1.5)
        pts.append((p[0] + t * (q[0] - p[0]) + nx * off, p[1] + t * (q[1] - p[1]) + ny * off))
    return pts if forward else pts[::-1]


def main():
    city = outline()
    features = []
    for code, name, seed in WARDS:
        cell = city
        for _, _, other in WARDS:
            if other != seed:
                cell = clip(cell, seed, other)
        cell = [key(p) for p in cell]
        ring = []
        for i, p in enumerate(cell):
            q = cell[(i + 1) % len(cell)]
            if p == q:
                continue
            ring.append(p)
            ring.extend(wiggle(p, q))
        ring = [(round(CENTRE[0] + x * KM_LON, 5), round(CENTRE[1] + y * KM_LAT, 5)) for x, y in ring]
        ring.append(ring[0])
        features.append({
            "type": "Feature",
            "properties": {"WD22CD": code, "WD22NM": name, "LAD22CD": "E08000099", "LAD22NM": "Northbridge"},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
        })
    doc = {
        "type": "FeatureCollection",
        "name": "Northbridge_wards_FICTIONAL",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    with open("sample-data/maps/northbridge-wards.geojson", "w") as f:
        f.write('{\n"type": "FeatureCollection",\n"name": "Northbridge_wards_FICTIONAL",\n')
        f.write('"crs": ' + json.dumps(doc["crs"]) + ',\n"features": [\n')
        f.write(",\n".join(json.dumps(x, separators=(",", ":")) for x in features))
        f.write("\n]\n}\n")


if __name__ == "__main__":
    main()
