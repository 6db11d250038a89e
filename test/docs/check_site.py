#!/usr/bin/env python3
# SPDX-License-Identifier: BSL-1.0
# The site looked at as a user would: builds it with ./scripts/docs (which fails on any
# doxygen warning), checks that every link from a generated page to a local file resolves,
# and renders the index and a reference page with headless Chromium, checking the title and
# that the screenshot is a non-blank PNG of the window's size.
#   check_site.py <repository root> <output directory>
# Exits 77 (CTest: skipped) when doxygen or chromium is missing; .ci/run installs both.
import collections
import html
import html.parser
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import urllib.parse
import zlib

WIDTH, HEIGHT = 1280, 900
# (page, expected <title>, texts the rendered page must show) rendered with Chromium: the
# main page with its guides, and the engine's group page with the functions of its headers.
PAGES = [("index.html", "ctgrad: ctgrad",
          ["Embedding and training a fixed-architecture net", "Compile-time derivative exercises",
           "Benchmarking against a runtime tape", "static_assert(sheet.adjoint("]),
         ("group__engine.html", "ctgrad: Engine", ["grad_into", "hessian", "explain", "make_stream"])]


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []
        self.title = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title = (self.title or "") + data


def broken_links(site):
    broken, checked = [], 0
    for page in sorted(site.rglob("*.html")):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for target in parser.targets:
            url = urllib.parse.urlsplit(target)
            if url.scheme or url.netloc or not url.path:
                continue  # http(s), mailto, javascript, or an anchor in the same page
            checked += 1
            path = (page.parent / urllib.parse.unquote(url.path)).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    return broken, checked


def png_pixels(path):
    """(width, height, rows of bytes, bytes per pixel) of an 8-bit RGB(A) PNG."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = header[:4]
    if depth != 8 or colour not in (2, 6):
        fail(f"{path}: unexpected PNG format (depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):  # undo the PNG filter of this row
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def render(chromium, page, shot):
    url = page.as_uri()
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--virtual-time-budget=3000",  # lets the navigation tree's scripts run
              f"--window-size={WIDTH},{HEIGHT}"]
    subprocess.run(common + [f"--screenshot={shot}", url], check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dom = subprocess.run(common + ["--dump-dom", url], check=True, timeout=120,
                         capture_output=True, text=True).stdout
    parser = Links()
    parser.feed(dom)
    return (parser.title or "").strip(), dom


def main():
    root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    chromium = shutil.which("chromium")
    for tool, found in (("doxygen", shutil.which("doxygen")), ("chromium", chromium)):
        if not found:
            print(f"SKIPPED: {tool} is not installed (Debian: apt-get install {tool}); "
                  ".ci/run installs it", file=sys.stderr)
            sys.exit(77)
    build = subprocess.run([str(root / "scripts/docs")], env=dict(os.environ, CTGRAD_DOCS_OUT=str(out)))
    if build.returncode != 0:
        fail("./scripts/docs failed (doxygen warnings above)")
    site = out / "html"
    broken, checked = broken_links(site)
    if broken:
        fail(f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50]))
    print(f"links: {checked} internal links in {len(list(site.rglob('*.html')))} pages, none broken")
    for name, expected, texts in PAGES:
        page, shot = site / name, out / (pathlib.Path(name).stem + ".png")
        if not page.exists():
            fail(f"{page} was not generated")
        title, dom = render(chromium, page, shot)
        if title != expected:
            fail(f"{name}: title {title!r}, expected {expected!r}")
        text = html.unescape(re.sub(r"<[^>]+>", "", dom))  # the page's text, as shown
        absent = [t for t in texts if t not in text]
        if absent:
            fail(f"{name}: the rendered page does not show {absent}")
        width, height, rows, bpp = png_pixels(shot)
        if (width, height) != (WIDTH, HEIGHT):
            fail(f"{shot}: {width}x{height}, expected {WIDTH}x{HEIGHT}")
        counts = collections.Counter(row[i:i + 3] for row in rows for i in range(0, len(row), bpp))
        colours, background = len(counts), counts.most_common(1)[0][0]
        inked = width * height - counts[background]
        share = inked / (width * height)
        if colours < 16 or share < 0.01:
            fail(f"{shot} looks blank: {colours} colours, {share:.1%} of pixels not background")
        print(f"{name}: title {title!r}, {shot} {width}x{height}, {colours} colours, "
              f"{share:.1%} of pixels not background")


if __name__ == "__main__":
    main()
