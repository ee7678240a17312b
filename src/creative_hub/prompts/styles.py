"""Style presets: what a style means for each target, and what it rules out.

A preset sets some fields of each target's structure (see templates.py): for an image,
"cinematic" sets the style keywords and the lighting; for music it sets the genre and
the instruments; for a chat prompt it sets the answer's format. Fields the user wrote
themselves always win over the preset. `negative` is added to the negative prompt of
image and video prompts.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from creative_hub.prompts.templates import Target, Words

W = Words


class StyleId(enum.StrEnum):
    cinematic = "cinematic"
    photorealistic = "photorealistic"
    anime = "anime"
    watercolor = "watercolor"
    oil_painting = "oil_painting"
    pixel_art = "pixel_art"
    documentary = "documentary"
    lofi = "lofi"
    cyberpunk = "cyberpunk"
    minimalist = "minimalist"


@dataclass(frozen=True)
class StylePreset:
    id: StyleId
    name: str
    name_zh: str
    description: str
    keywords: tuple[str, ...]  # how an idea names the style ("水彩", "watercolour")
    fields: dict[Target, dict[str, Words]] = field(default_factory=dict)
    negative: str = ""


_PRESETS = (
    StylePreset(
        StyleId.cinematic, "Cinematic", "电影感",
        "A still from a feature film: widescreen, graded colour, dramatic light.",
        ("cinematic", "film still", "movie still", "电影感", "电影风格"),
        {
            Target.image: {
                "style": W("cinematic film still, anamorphic widescreen, teal and orange "
                           "color grade, subtle film grain"),
                "lighting": W("dramatic low-key lighting with a strong rim light"),
            },
            Target.video: {
                "style": W("cinematic film look, anamorphic widescreen, teal and orange "
                           "grade, 24 fps"),
                "camera_motion": W("slow dolly in with a gentle rack focus"),
            },
            Target.music: {
                "genre": W("orchestral film score"),
                "instruments": W("string ensemble, French horns, piano, taiko drums"),
            },
            Target.speech: {
                "tone": W("dramatic, movie-trailer narration", "富有戏剧张力的电影预告片式旁白"),
                "pace": W("slow and deliberate, with long pauses before key lines",
                          "偏慢而从容，关键句前留出较长停顿"),
            },
            Target.chat: {
                "format": W("a vivid scene-by-scene description with sensory detail",
                            "按场景分段的生动描写，注重画面感与感官细节"),
            },
        },
        "flat lighting, amateur snapshot, overexposed, washed-out colors",
    ),
    StylePreset(
        StyleId.photorealistic, "Photorealistic", "写实摄影",
        "Looks like a real photograph taken with a good camera.",
        ("photorealistic", "photo-realistic", "photograph", "realistic photo", "写实", "照片",
         "真实感"),
        {
            Target.image: {
                "style": W("photorealistic, ultra-detailed photograph, natural textures, "
                           "true-to-life colors"),
                "camera": W("shot on a full-frame DSLR, 50mm prime lens, f/2.0, RAW"),
            },
            Target.video: {
                "style": W("photorealistic live-action footage, natural color, "
                           "realistic motion blur"),
            },
            Target.music: {
                "genre": W("acoustic live recording"),
                "instruments": W("acoustic guitar, upright bass, brushed drums, piano"),
            },
            Target.speech: {
                "tone": W("natural and conversational, like a real person talking",
                          "自然、口语化，像真人聊天一样"),
            },
            Target.chat: {
                "constraints": W("Stick to realistic, verifiable details; no fantasy elements.",
                                 "只使用真实、可核实的细节，不加入虚构元素。"),
            },
        },
        "cartoon, illustration, painting, 3d render, cgi, anime, plastic skin",
    ),
    StylePreset(
        StyleId.anime, "Anime", "动漫",
        "Japanese animation: clean line art, cel shading, vivid colour.",
        ("anime", "manga", "ghibli", "动漫", "二次元", "日漫"),
        {
            Target.image: {
                "style": W("anime illustration, cel shading, clean line art, vibrant colors, "
                           "Studio Ghibli inspired"),
                "lighting": W("bright soft anime lighting with glowing highlights"),
            },
            Target.video: {
                "style": W("2D anime animation, cel shading, vibrant palette"),
                "camera_motion": W("dynamic anime pan ending in a speed-line zoom"),
            },
            Target.music: {
                "genre": W("J-pop anime opening"),
                "instruments": W("bright electric guitars, synth lead, slap bass, energetic drums"),
            },
            Target.speech: {
                "tone": W("expressive, energetic anime-style voice acting",
                          "富有表现力、充满活力的动漫配音风格"),
            },
            Target.chat: {
                "format": W("light, playful storytelling with expressive dialogue",
                            "轻松活泼的叙述，多用富有表现力的对话"),
            },
        },
        "photorealistic, photograph, 3d render, western cartoon, realistic skin texture",
    ),
    StylePreset(
        StyleId.watercolor, "Watercolor", "水彩",
        "Soft washes of pigment on textured paper.",
        ("watercolor", "watercolour", "水彩"),
        {
            Target.image: {
                "style": W("delicate watercolor painting, soft wet-on-wet washes, visible "
                           "paper texture, pastel palette"),
                "lighting": W("soft diffused daylight with gentle color bleeding"),
            },
            Target.video: {
                "style": W("animated watercolor, bleeding pigments, paper texture, pastel palette"),
                "camera_motion": W("gentle slow pan across the painting"),
            },
            Target.music: {
                "genre": W("gentle acoustic folk"),
                "instruments": W("fingerpicked acoustic guitar, soft piano, cello, light chimes"),
            },
            Target.speech: {"tone": W("gentle, soft and soothing", "温柔、轻柔、令人放松")},
            Target.chat: {
                "format": W("soft, poetic prose with gentle imagery", "柔和、富有诗意的散文式表达"),
            },
        },
        "photorealistic, harsh outlines, digital gradients, 3d render, oversaturated",
    ),
    StylePreset(
        StyleId.oil_painting, "Oil painting", "油画",
        "Classical oil on canvas: rich colour, visible brushwork.",
        ("oil painting", "oil on canvas", "油画"),
        {
            Target.image: {
                "style": W("classical oil painting, thick impasto brushstrokes, rich glazes, "
                           "canvas texture, old masters style"),
                "lighting": W("warm Rembrandt chiaroscuro lighting"),
            },
            Target.video: {
                "style": W("moving oil painting, visible brushstrokes, rich warm palette"),
            },
            Target.music: {
                "genre": W("romantic-era classical chamber music"),
                "instruments": W("string quartet, grand piano, solo cello"),
            },
            Target.speech: {
                "tone": W("rich, warm and stately, like a museum audio guide",
                          "浑厚、温暖而庄重，像博物馆的语音导览"),
            },
            Target.chat: {
                "format": W("elegant, descriptive prose with classical references",
                            "典雅、描述性的文字，可引用古典意象"),
            },
        },
        "photograph, digital art, flat colors, anime, 3d render, smooth plastic look",
    ),
    StylePreset(
        StyleId.pixel_art, "Pixel art", "像素风",
        "Retro video-game graphics: big pixels, a small palette.",
        ("pixel art", "pixel-art", "8-bit", "16-bit", "像素"),
        {
            Target.image: {
                "style": W("16-bit pixel art, limited palette, crisp pixels, retro video game "
                           "sprite style"),
                "composition": W("side-scrolling game scene with a clear silhouette"),
                "camera": W("orthographic 2D view, no perspective or lens blur"),
            },
            Target.video: {
                "style": W("16-bit pixel art animation, limited palette, retro game look"),
                "pacing": W("snappy 12 fps sprite animation, seamless loop"),
            },
            Target.music: {
                "genre": W("8-bit chiptune"),
                "instruments": W("square-wave lead, triangle bass, noise-channel drums, "
                                 "fast arpeggios"),
            },
            Target.speech: {
                "tone": W("playful retro game-announcer voice", "俏皮的复古游戏解说腔调"),
            },
            Target.chat: {
                "format": W("short, punchy lines like retro game dialogue boxes",
                            "简短有力的句子，像复古游戏的对话框"),
            },
        },
        "blurry, anti-aliasing, smooth gradients, photorealistic, 3d render",
    ),
    StylePreset(
        StyleId.documentary, "Documentary", "纪实",
        "Candid and truthful: real places, natural light, observed moments.",
        ("documentary", "reportage", "纪录片", "纪实"),
        {
            Target.image: {
                "style": W("documentary photography, candid and unposed, natural colors, "
                           "reportage"),
                "lighting": W("available natural light, no artificial setup"),
                "camera": W("35mm lens, handheld, f/4, eye level"),
            },
            Target.video: {
                "style": W("documentary footage, natural color, handheld realism"),
                "camera_motion": W("handheld observational follow shot"),
            },
            Target.music: {
                "genre": W("understated documentary underscore"),
                "instruments": W("soft piano, ambient pads, light strings"),
            },
            Target.speech: {
                "tone": W("calm, authoritative documentary narration", "沉稳、权威的纪录片旁白"),
            },
            Target.chat: {
                "format": W("a factual, well-structured explanation with concrete examples",
                            "客观、结构清晰的说明，配以具体事例"),
                "constraints": W("Stay neutral and factual; say when something is uncertain.",
                                 "保持中立客观，不确定之处要说明。"),
            },
        },
        "staged, posed, fantasy, cgi, heavy filters, oversaturated",
    ),
    StylePreset(
        StyleId.lofi, "Lo-fi", "低保真",
        "Cozy and imperfect: muted colours, grain, a relaxed late-night feel.",
        ("lo-fi", "lofi", "lo fi", "低保真"),
        {
            Target.image: {
                "style": W("lo-fi aesthetic illustration, muted pastel colors, grainy texture, "
                           "cozy atmosphere"),
                "lighting": W("warm desk-lamp light at dusk"),
            },
            Target.video: {
                "style": W("lo-fi animated loop, muted colors, film grain, VHS softness"),
                "pacing": W("slow seamless loop, relaxed pacing"),
            },
            Target.music: {
                "genre": W("lo-fi hip hop"),
                "tempo": W("80 BPM, laid-back swing"),
                "instruments": W("dusty Rhodes piano, vinyl crackle, mellow boom-bap drums, "
                                 "soft bass"),
            },
            Target.speech: {
                "tone": W("relaxed, intimate late-night radio voice", "放松、亲密的深夜电台语气"),
            },
            Target.chat: {
                "format": W("a casual, friendly reply in short paragraphs",
                            "轻松友好的口吻，段落简短"),
            },
        },
        "harsh contrast, hyper-detailed, neon oversaturation, sharp digital look",
    ),
    StylePreset(
        StyleId.cyberpunk, "Cyberpunk", "赛博朋克",
        "Neon-lit high-tech future: rain, holograms, megacities.",
        ("cyberpunk", "赛博朋克", "赛博"),
        {
            Target.image: {
                "style": W("cyberpunk digital art, neon-soaked futuristic megacity, "
                           "high-tech low-life"),
                "lighting": W("neon magenta and cyan lighting with wet reflections"),
            },
            Target.video: {
                "style": W("cyberpunk sci-fi look, neon glow, rain, holograms"),
                "camera_motion": W("slow crane up through neon-lit streets"),
            },
            Target.music: {
                "genre": W("darksynth"),
                "instruments": W("analog synth bass, arpeggiated synths, gated drums, "
                                 "distorted leads"),
            },
            Target.speech: {
                "tone": W("cool, detached AI-like voice with a hint of menace",
                          "冷静疏离、略带威胁感的赛博语气"),
            },
            Target.chat: {
                "format": W("punchy, atmospheric prose with tech slang",
                            "节奏紧凑、氛围感强的文字，可使用科技术语"),
            },
        },
        "daylight pastoral, medieval, washed out, low contrast",
    ),
    StylePreset(
        StyleId.minimalist, "Minimalist", "极简",
        "Less is more: one subject, clean shapes, lots of space.",
        ("minimalist", "minimalism", "minimal", "极简", "简约"),
        {
            Target.image: {
                "style": W("minimalist design, clean lines, limited color palette"),
                "composition": W("single subject centered with generous negative space"),
            },
            Target.video: {
                "style": W("minimalist motion design, clean shapes, limited palette"),
                "camera_motion": W("locked-off static shot"),
            },
            Target.music: {
                "genre": W("minimalist ambient"),
                "instruments": W("sparse piano, soft synth pad, subtle field recordings"),
                "structure": W("a slowly evolving repeating motif, no hard sections"),
            },
            Target.speech: {"tone": W("calm, clear and understated", "平静、清晰、克制")},
            Target.chat: {
                "format": W("concise bullet points, no filler", "简洁的要点列表，不说废话"),
                "constraints": W("At most 150 words.", "不超过150字。"),
            },
        },
        "cluttered, busy background, excessive detail, ornate, noisy texture",
    ),
)  # fmt: skip

STYLES: dict[StyleId, StylePreset] = {preset.id: preset for preset in _PRESETS}

_ALIASES = re.compile(r"[\s_-]+")


def normalise_style(value: str) -> str:
    """'Pixel Art', 'pixel-art', 'lo-fi' -> the preset id spelling ('pixel_art', 'lofi')."""
    key = _ALIASES.sub("_", value.strip().lower())
    return {"lo_fi": "lofi", "oil": "oil_painting", "pixel": "pixel_art"}.get(key, key)


def detect_style(text: str) -> StyleId | None:
    """The preset an idea names, if it names exactly one."""
    lowered = text.lower()
    found = [p.id for p in _PRESETS if any(k in lowered for k in p.keywords)]
    return found[0] if len(found) == 1 else None


def style_fields(style: StyleId | None, target: Target, language: str) -> dict[str, str]:
    if style is None:
        return {}
    return {name: words.get(language) for name, words in STYLES[style].fields[target].items()}
