"""Gleaner's icon, drawn from the shapes below into PNGs by build.py.

The icon is an ear of wheat (what a gleaner picks up after the harvest) in
gold on a green rounded square. Its source is this geometry, in a 128-unit
square: a rounded square and a handful of capsules (line segments with a
radius). Each pixel's coverage comes from the shapes' signed distances, which
anti-aliases every edge with one sample per pixel, so no drawing library is
needed and two builds write the same bytes.
"""

import math
import struct
import zlib

DESIGN_SIZE = 128
SIZES = (16, 32, 48, 128)
GREEN = (46, 107, 63)
GOLD = (244, 197, 66)

# (x, y) from the top left of the 128-unit square.
BACKGROUND = {"left": 4, "top": 4, "right": 124, "bottom": 124, "radius": 28}
STEM = ((64, 116), (64, 40), 4.5)
GRAIN_ROWS = (94, 72, 50)  # where each pair of grains leaves the stem
GRAIN_REACH = (20, -15)  # from the stem to a grain's tip, for the right-hand grain
GRAIN_RADIUS = 7.5
TOP_GRAIN = ((64, 38), (64, 16), 7.5)


def grains():
    dx, dy = GRAIN_REACH
    for y in GRAIN_ROWS:
        yield ((64, y), (64 - dx, y + dy), GRAIN_RADIUS)
        yield ((64, y), (64 + dx, y + dy), GRAIN_RADIUS)
    yield TOP_GRAIN


def rounded_box_distance(x, y, box):
    half_w = (box["right"] - box["left"]) / 2
    half_h = (box["bottom"] - box["top"]) / 2
    qx = abs(x - (box["left"] + half_w)) - half_w + box["radius"]
    qy = abs(y - (box["top"] + half_h)) - half_h + box["radius"]
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - box["radius"]


def capsule_distance(x, y, capsule):
    (ax, ay), (bx, by), radius = capsule
    px, py, vx, vy = x - ax, y - ay, bx - ax, by - ay
    t = max(0.0, min(1.0, (px * vx + py * vy) / (vx * vx + vy * vy)))
    return math.hypot(px - vx * t, py - vy * t) - radius


def coverage(distance_in_pixels):
    return max(0.0, min(1.0, 0.5 - distance_in_pixels))


def draw(size):
    """RGBA rows (bytes) of the icon at size x size pixels."""
    scale = DESIGN_SIZE / size
    ear = [STEM, *grains()]
    rows = []
    for row in range(size):
        pixels = bytearray()
        for column in range(size):
            # The pixel's centre, in design units.
            x, y = (column + 0.5) * scale, (row + 0.5) * scale
            background = coverage(rounded_box_distance(x, y, BACKGROUND) / scale)
            gold = coverage(min(capsule_distance(x, y, capsule) for capsule in ear) / scale) * background
            colour = [round(g * (1 - gold) + a * gold) for g, a in zip(GREEN, GOLD)]
            pixels += bytes([*colour, round(background * 255)])
        rows.append(bytes(pixels))
    return rows


def png(rows, comment):
    """A truecolour-with-alpha PNG, with a tEXt comment saying where it came from."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height, width = len(rows), len(rows[0]) // 4
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    pixels = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + comment.encode("latin-1"))
        + chunk(b"IDAT", zlib.compress(pixels, 9))
        + chunk(b"IEND", b"")
    )


def icon_files(comment):
    """{path in the extension: PNG bytes} for every size the manifest names."""
    return {icon_path(size): png(draw(size), comment) for size in SIZES}


def icon_path(size):
    return f"icons/gleaner-{size}.png"
