"""The embedded video engine: FFmpeg (the binary in the imageio-ffmpeg wheel by default).

- LocalImageToVideo (ImageToVideo): a still -> a clip with camera motion.
- LocalVideoComposer (VideoComposer): stills/clips -> an MP4 with crossfades, a mixed and
  loudness-normalised soundtrack, SRT/VTT sidecars and optional burned-in subtitles.
- mix_audio: the soundtrack mixer on its own (for the audio API).
"""

from creative_hub.providers.local.ffmpeg.clip import LocalImageToVideo
from creative_hub.providers.local.ffmpeg.compose import LocalVideoComposer
from creative_hub.providers.local.ffmpeg.mix import mix_audio

__all__ = ["LocalImageToVideo", "LocalVideoComposer", "mix_audio"]
