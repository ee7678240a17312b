"""Video filter graphs: clips fitted to the frame, joined with crossfades; burned subtitles;
and the H.264 output settings shared by every video the engine writes."""

from __future__ import annotations

from collections.abc import Sequence

# H.264, 4:2:0 (plays everywhere). veryfast: the encoder is about two thirds of a
# film's CPU time. (subme=1 saved 14% CPU but cost 60% more bytes on textured stills;
# superfast saved nothing and tripled the size.) faststart puts the moov atom first so
# playback starts while the file is still downloading.
VIDEO_CODEC = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
AUDIO_CODEC = ["-c:a", "aac", "-b:a", "160k"]
FASTSTART = ["-movflags", "+faststart"]


def fit_clip_chain(source: str, label: str, width: int, height: int, fps: int, frames: int) -> str:
    """`[source]...[label]`: a video clip letterboxed to width x height at fps, exactly
    `frames` frames long (the last frame held if the clip runs short)."""
    return (
        f"[{source}]setpts=PTS-STARTPTS,fps={fps},"
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p,"
        f"tpad=stop_mode=clone:stop_duration=2,trim=end_frame={frames},"
        f"setpts=PTS-STARTPTS[{label}]"
    )


def join_chain(labels: Sequence[str], frames: Sequence[int], fps: int, fade: int, out: str) -> str:
    """Clips one after another, each crossfading into the next over `fade` frames
    (a plain cut when 0). Output: sum(frames) - (n-1)*fade frames."""
    if len(labels) == 1:
        return f"[{labels[0]}]null[{out}]"
    if fade == 0:
        pads = "".join(f"[{label}]" for label in labels)
        return f"{pads}concat=n={len(labels)}:v=1:a=0[{out}]"
    parts = []
    previous, length = labels[0], frames[0]
    for n, (label, count) in enumerate(zip(labels[1:], frames[1:], strict=True), start=1):
        offset = length - fade  # the fade starts `fade` frames before the joined part ends
        target = out if n == len(labels) - 1 else f"joined{n}"
        parts.append(
            f"[{previous}][{label}]xfade=transition=fade:"
            f"duration={fade / fps:.6f}:offset={offset / fps:.6f}[{target}]"
        )
        previous, length = target, offset + count
    return ";".join(parts)


def burn_subtitles_chain(source: str, out: str, srt_name: str, font_family: str) -> str:
    """Subtitles drawn by libass from an SRT in ffmpeg's working directory (a bare file
    name: no escaping of paths inside the graph), with fonts from ./fonts."""
    style = ",".join(
        [
            f"FontName={font_family}",
            "FontSize=20",  # libass scales SRT styles from a 288-line canvas: ~7% of height
            "PrimaryColour=&H00FFFFFF",
            # A half-transparent box behind the text: legible on any picture.
            "BorderStyle=3",
            "OutlineColour=&H60000000",
            "Outline=1",
            "Shadow=0",
            "MarginV=14",
        ]
    )
    return f"[{source}]subtitles=filename={srt_name}:fontsdir=fonts:force_style='{style}'[{out}]"
