"""Reference side of the image benchmark (bench/src/images): Pillow doing the work of our
process-artwork pipeline (docs/product.md §2) on the same files.

For every file of the manifest: decode every frame to RGBA, count unique colours per frame (all
fully transparent pixels count as one, as ours does), detect transparency, then write the native
bytes, every other format (stills: png, gif, webp lossless, bmp; animations: gif and webp lossless
with all frames and durations) and `_upscaled.webp` (whole-number nearest-neighbour, factor
floor(768 / max(w, h))). Lossless WebP uses the same libwebp effort ("method") our pipeline picks
for the same pixel count, so both sides ask libwebp for the same work.

Run with Debian's Pillow: /usr/bin/python3 renditions.py <manifest.json> [--check]
Prints one JSON line (the SideResult schema of bench/src/images/side-result.ts). With --check it
renders nothing: it decodes the renditions already in outDir (either side's) and lists those whose
pixels differ from the source, so both sides are held to the same pixel-exactness check.
"""

import hashlib
import json
import os
import sys
import time
from contextlib import contextmanager

from PIL import Image, ImageSequence, _webp

UPSCALED_MAX_SIDE = 768
STILL_TARGETS = ("png", "gif", "webp", "bmp")
ANIMATED_TARGETS = ("gif", "webp")
WEBP_QUALITY = 80  # sharp's default; for lossless WebP it is compression effort, not fidelity


# Seconds per step over the batch, reported beside our profile (always on: a few clock reads per
# file and frame, negligible next to the work).
STEPS = {}


@contextmanager
def step(name):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        STEPS[name] = STEPS.get(name, 0.0) + time.perf_counter() - t0


def peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def webp_effort(total_pixels):
    """Mirror of webpEffort in worker/src/images/renditions.ts."""
    if total_pixels <= 1_200_000:
        return 4
    if total_pixels <= 10_000_000:
        return 1
    return 0


def upscale_factor(width, height):
    return max(1, UPSCALED_MAX_SIDE // max(width, height))


def decode(path):
    with Image.open(path) as im:
        frames, durations = [], []
        for frame in ImageSequence.Iterator(im):
            durations.append(frame.info.get("duration", 0))
            frames.append(frame.convert("RGBA"))
        return frames, durations, im.info.get("loop", 0)


def analyze(frames):
    """Unique visible colours of the most colourful frame, transparency, partial alpha."""
    unique, transparency, partial = 0, False, False
    for frame in frames:
        visible, clear = 0, 0
        for _, (_, _, _, a) in frame.getcolors(frame.width * frame.height):
            if a == 0:
                clear = 1
            else:
                visible += 1
                partial = partial or a != 255
        transparency = transparency or clear == 1 or partial
        unique = max(unique, visible + clear)
    return unique, transparency, partial


def write_animated_webp(label, path, size, frames, durations, loop, method):
    """Pillow's own WebPAnimEncoder binding, fed one frame at a time (what Image.save(save_all=True)
    calls, minus the list it would need of every upscaled frame at once)."""
    width, height = size
    name = f"{label}: libwebp anim encode + write (effort {method})"
    with step(name):
        encoder = _webp.WebPAnimEncoder(width, height, 0, loop, False, 9, 17, False, False)
    timestamp = 0
    for frame, duration in zip(frames, durations):
        with step(name):
            encoder.add(frame.tobytes(), timestamp, width, height, "RGBA", True, WEBP_QUALITY, method)
        timestamp += duration
    with step(name):
        encoder.add(None, timestamp, 0, 0, "", True, WEBP_QUALITY, 0)
        data = encoder.assemble("", b"", "")
        with open(path, "wb") as out:
            out.write(data)


def upscaled(frames, size):
    for frame in frames:
        with step("preview: nearest-neighbour upscale"):
            scaled = frame.resize(size, Image.NEAREST)
        yield scaled


def write_still(path, ext, frame, transparency, gif_ok):
    opaque = frame if transparency else frame.convert("RGB")
    if ext == "png":
        with step("png: encode + write"):
            opaque.save(path, "PNG", compress_level=9)
    elif ext == "bmp":
        with step("bmp: encode + write"):
            opaque.save(path, "BMP")
    elif ext == "webp":
        effort = webp_effort(frame.width * frame.height)
        with step(f"webp: libwebp encode + write (effort {effort})"):
            frame.save(path, "WEBP", lossless=True, quality=WEBP_QUALITY, method=effort)
    elif ext == "gif" and gif_ok:
        with step("gif: quantize + LZW + write"):
            frame.save(path, "GIF")
    else:
        return False
    return True


def process(entry, out_dir):
    with open(entry["file"], "rb") as f:
        data = f.read()
    with step("checks + sha256: sha256"):
        hashlib.sha256(data).hexdigest()
    with step("decode to RGBA"):
        frames, durations, loop = decode(entry["file"])
    with step("unique colours + alpha"):
        unique, transparency, partial = analyze(frames)
    width, height = frames[0].size
    animated = len(frames) > 1
    # GIF holds a frame exactly only with ≤256 colours and no partial alpha; ours skips it otherwise.
    gif_ok = not partial and unique <= 256
    base = os.path.join(out_dir, entry["name"])
    native = entry["format"]
    with open(f"{base}.{native}", "wb") as out:
        out.write(data)
    outputs = [f".{native}"]
    for ext in ANIMATED_TARGETS if animated else STILL_TARGETS:
        if ext == native:
            continue
        path = f"{base}.{ext}"
        if not animated:
            if not write_still(path, ext, frames[0], transparency, gif_ok):
                continue
        elif ext == "webp":
            write_animated_webp("webp", path, (width, height), frames, durations, loop, webp_effort(width * height * len(frames)))
        elif gif_ok:
            with step("gif: quantize + LZW + write"):
                frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=loop, disposal=2)
        else:
            continue
        outputs.append(f".{ext}")
    factor = upscale_factor(width, height)
    size = (width * factor, height * factor)
    scaled = upscaled(frames, size)
    effort = webp_effort(size[0] * size[1] * len(frames))
    path = f"{base}_upscaled.webp"
    if animated:
        write_animated_webp("preview", path, size, scaled, durations, loop, effort)
    else:
        frame = next(scaled)
        with step(f"preview: libwebp encode + write (effort {effort})"):
            frame.save(path, "WEBP", lossless=True, quality=WEBP_QUALITY, method=effort)
    outputs.append("_upscaled.webp")
    out_bytes = sum(os.path.getsize(f"{base}{suffix}") for suffix in outputs)
    return frames, {
        "name": entry["name"],
        "frames": len(frames),
        "uniqueColors": unique,
        "transparency": transparency,
        "outputs": outputs,
        "outputBytes": out_bytes,
    }


def normalized(frame):
    """RGBA bytes with every fully transparent pixel as transparent black (invisible either way)."""
    out = Image.new("RGBA", frame.size, (0, 0, 0, 0))
    out.paste(frame, mask=frame.getchannel("A").point(lambda a: 255 if a else 0))
    return out.tobytes()


def mismatched_outputs(entry, out_dir, frames, outputs):
    """Outputs whose decoded pixels differ from the source (a --check, never timed). Frames are
    compared one at a time so a 1024-frame preview never sits in memory whole."""
    bad = []
    factor = upscale_factor(*frames[0].size)
    for suffix in outputs:
        scale = factor if suffix == "_upscaled.webp" else 1
        size = (frames[0].width * scale, frames[0].height * scale)
        with Image.open(os.path.join(out_dir, entry["name"] + suffix)) as im:
            same = getattr(im, "n_frames", 1) == len(frames)
            for source, got in zip(frames, ImageSequence.Iterator(im)):
                if not same:
                    break
                same = normalized(got.convert("RGBA")) == normalized(source.resize(size, Image.NEAREST))
        if not same:
            bad.append(entry["name"] + suffix)
    return bad


def check(manifest):
    """--check: decode what is in outDir (either side's renditions) and compare with the sources."""
    bad, checked = [], 0
    for entry in manifest["files"]:
        frames, _, _ = decode(entry["file"])
        prefix = entry["name"]
        outputs = [n[len(prefix):] for n in os.listdir(manifest["outDir"]) if n.startswith((prefix + ".", prefix + "_upscaled."))]
        checked += len(outputs)
        bad += mismatched_outputs(entry, manifest["outDir"], frames, outputs)
    return {"checked": checked, "mismatches": bad}


def main(manifest_path, mode):
    with open(manifest_path) as f:
        manifest = json.load(f)
    if mode == "--check":
        print(json.dumps(check(manifest)))
        return
    baseline = peak_rss_kb()
    files = []
    started = time.perf_counter()
    for entry in manifest["files"]:
        t0 = time.perf_counter()
        _, facts = process(entry, manifest["outDir"])
        facts["seconds"] = time.perf_counter() - t0
        files.append(facts)
    seconds = time.perf_counter() - started
    result = {"side": "pillow", "seconds": seconds, "peakRssKb": peak_rss_kb(), "baselineRssKb": baseline, "files": files, "steps": STEPS}
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[2:] not in ([], ["--check"]):
        sys.exit("usage: renditions.py <manifest.json> [--check]")
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "render")
