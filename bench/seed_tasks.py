"""The tasks of a seeded history: English and Chinese prompts from a fixed vocabulary,
search markers placed in an exact share of rows, terminal states, plausible timestamps.
bench/seed.py writes them to the database."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.tasks.search import search_columns

# Search terms and the share of rows that contain them.
MARKERS: dict[str, tuple[str, float]] = {
    # name: (phrase placed in the prompt, share of rows)
    "en": ("a lonely lighthouse on a cliff", 0.01),
    "zh3": ("街角的咖啡馆", 0.01),
    "zh2": ("海边的灯塔", 0.01),
    "zh2_rare": ("一只麒麟", 0.0005),
}
SEARCH_TERMS = {"en": "lighthouse", "zh3": "咖啡馆", "zh2": "灯塔", "zh2_rare": "麒麟"}

SUBJECTS_EN = [
    "a red fox", "an old fisherman", "a neon city street", "a mountain village",
    "a cat astronaut", "a samurai", "a glass greenhouse", "a desert caravan",
    "a vintage bicycle", "a jazz band", "a koi pond", "an abandoned train station",
    "a robot gardener", "a snowy forest", "a floating island", "a street market",
    "a steam locomotive", "a sunflower field", "a medieval castle", "a deep sea diver",
    "a paper boat", "a tea house", "a clockwork owl", "a crowded subway car",
]  # fmt: skip
SETTINGS_EN = [
    "at sunset", "in the rain", "under the northern lights", "at dawn", "in heavy fog",
    "on a summer afternoon", "at midnight", "during a thunderstorm", "in autumn",
    "in the snow", "by candlelight", "seen from above",
]  # fmt: skip
STYLES_EN = [
    "oil painting", "watercolor", "cinematic lighting, 35mm", "studio ghibli style",
    "photorealistic, 8k", "isometric illustration", "pixel art", "ink wash painting",
    "low poly 3d render", "art nouveau poster", "charcoal sketch", "double exposure",
]  # fmt: skip
EXTRAS_EN = [
    "highly detailed", "soft focus", "dramatic shadows", "pastel colors", "wide angle",
    "bokeh", "golden hour", "volumetric light", "muted palette", "high contrast",
]  # fmt: skip
SUBJECTS_ZH = [
    "一只红狐狸", "老渔夫", "霓虹闪烁的城市街道", "山间小村", "宇航员小猫", "武士",
    "玻璃温室", "沙漠驼队", "复古自行车", "爵士乐队", "锦鲤池塘", "废弃的火车站",
    "机器人园丁", "雪中森林", "漂浮的岛屿", "热闹的集市", "蒸汽火车", "向日葵花田",
    "中世纪城堡", "深海潜水员", "纸船", "江南茶楼", "发条猫头鹰", "拥挤的地铁车厢",
]  # fmt: skip
SETTINGS_ZH = [
    "在日落时分", "在雨中", "在北极光下", "在黎明", "在浓雾里", "在夏日午后", "在午夜",
    "在雷雨中", "在秋天", "在雪地里", "在烛光下", "从高处俯瞰",
]  # fmt: skip
STYLES_ZH = [
    "油画", "水彩画", "电影感光影", "宫崎骏风格", "照片级写实", "等距插画", "像素艺术",
    "水墨画", "低多边形三维渲染", "新艺术运动海报", "炭笔素描", "双重曝光",
]  # fmt: skip
EXTRAS_ZH = [
    "细节丰富", "柔焦", "戏剧性的阴影", "柔和的色彩", "广角镜头", "背景虚化", "黄金时刻",
    "体积光", "低饱和度", "高对比度",
]  # fmt: skip

# (task type, weight, provider, model)
TASK_MIX: list[tuple[TaskType, int, str, str | None]] = [
    (TaskType.image_generation, 35, "comfyui", "sdxl-base-1.0"),
    (TaskType.chat, 20, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_enhance, 8, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_variations, 4, "local", "smollm2-135m-instruct"),
    (TaskType.prompt_critique, 3, "openai_compat", "gpt-4o-mini"),
    (TaskType.image_upscale, 4, "local", "lanczos"),
    (TaskType.text_to_video, 5, "local", "storyboard"),
    (TaskType.image_to_video, 3, "local", "zoompan"),
    (TaskType.video_compose, 2, "local", "ffmpeg"),
    (TaskType.speech, 6, "local", "piper-joe-us"),
    (TaskType.music, 4, "local", "midi-fluidsynth"),
    (TaskType.sound_effect, 2, "local", "procedural"),
    (TaskType.transcription, 2, "local", "whisper-tiny.en"),
    (TaskType.audio_mix, 1, "local", "ffmpeg"),
    (TaskType.workflow_step, 1, "local", None),
]
STATUS_MIX = [(TaskStatus.succeeded, 85), (TaskStatus.failed, 10), (TaskStatus.cancelled, 5)]
FAILURES = [
    ("provider_error", "The provider answered 502 Bad Gateway."),
    ("timeout", "The task ran longer than its 3600 s limit."),
    ("invalid_input", "The image is larger than 4096 pixels on its longest side."),
]


def check_vocabulary() -> None:
    """The markers must appear only where placed, or the match counts would drift."""
    vocab = [
        *SUBJECTS_EN,
        *SETTINGS_EN,
        *STYLES_EN,
        *EXTRAS_EN,
        *SUBJECTS_ZH,
        *SETTINGS_ZH,
        *STYLES_ZH,
        *EXTRAS_ZH,
        "blurry, low quality",
        "模糊，低质量",
    ]
    for term in SEARCH_TERMS.values():
        clash = [w for w in vocab if term.lower() in w.lower()]
        if clash:
            raise AssertionError(f"search term {term!r} occurs in vocabulary {clash}")


class TaskFactory:
    def __init__(
        self, user_id: uuid.UUID, total: int, rng: random.Random, *, shuffled: bool = False
    ) -> None:
        self.user_id = user_id
        self.rng = rng
        self.now = datetime.now(UTC)
        # Creation times over the past year. A real history is written as it happens, so
        # by default row i is the i-th oldest; shuffled=True writes them in random order
        # (the storage order no deployment produces, kept to measure the worst case).
        ages = [rng.uniform(60, 365 * 24 * 3600) for _ in range(total)]
        ages.sort(reverse=not shuffled)
        if shuffled:
            rng.shuffle(ages)
        self.ages = ages
        # Exact, disjoint row sets for each marker phrase.
        self.marker_of: dict[int, str] = {}
        free = list(range(total))
        rng.shuffle(free)
        start = 0
        for name, (_, share) in MARKERS.items():
            n = round(total * share)
            for i in free[start : start + n]:
                self.marker_of[i] = name
            start += n
        self.types = [t for t, *_ in TASK_MIX]
        self.type_weights = [w for _, w, *_ in TASK_MIX]
        self.provider_of = {t: (p, m) for t, _, p, m in TASK_MIX}
        self.statuses = [s for s, _ in STATUS_MIX]
        self.status_weights = [w for _, w in STATUS_MIX]

    def _prompt(self, zh: bool, marker: str | None) -> str:
        r = self.rng
        if zh:
            subject = MARKERS[marker][0] if marker else r.choice(SUBJECTS_ZH)
            extras = "，".join(r.sample(EXTRAS_ZH, r.randint(1, 3)))
            return f"{subject}{r.choice(SETTINGS_ZH)}，{r.choice(STYLES_ZH)}，{extras}"
        subject = MARKERS[marker][0] if marker else r.choice(SUBJECTS_EN)
        extras = ", ".join(r.sample(EXTRAS_EN, r.randint(1, 3)))
        return f"{subject} {r.choice(SETTINGS_EN)}, {r.choice(STYLES_EN)}, {extras}"

    def _input(self, task_type: TaskType, zh: bool, prompt: str) -> dict[str, Any]:
        r = self.rng
        asset = f"{uuid.UUID(int=r.getrandbits(128))}"
        match task_type:
            case TaskType.image_generation:
                w, h = r.choice([(512, 512), (768, 768), (1024, 1024), (1024, 1536), (1536, 1024)])
                return {
                    "prompt": prompt,
                    "negative_prompt": "模糊，低质量" if zh else "blurry, low quality",
                    "width": w,
                    "height": h,
                    "steps": r.randint(20, 50),
                    "seed": r.getrandbits(31),
                }
            case TaskType.chat:
                content = (
                    f"写一个关于{prompt}的小故事。"
                    if zh
                    else f"Write a short story about {prompt}."
                )
                return {
                    "content": content,
                    "temperature": round(r.uniform(0.2, 1.0), 2),
                    "max_tokens": r.choice([256, 512, 1024]),
                }
            case TaskType.prompt_variations:
                return {"prompt": prompt, "count": r.choice([3, 4, 6])}
            case TaskType.image_upscale:
                return {"asset_id": asset, "scale": r.choice([2, 4]), "prompt": prompt}
            case TaskType.text_to_video:
                return {
                    "prompt": prompt,
                    "duration": r.randint(4, 10),
                    "fps": 24,
                    "width": 1280,
                    "height": 720,
                }
            case TaskType.image_to_video:
                return {"asset_id": asset, "prompt": prompt, "duration": r.randint(3, 8)}
            case TaskType.video_compose:
                return {
                    "title": prompt,
                    "clips": [asset, str(uuid.UUID(int=r.getrandbits(128)))],
                    "transition": "xfade",
                }
            case TaskType.speech:
                return {
                    "text": prompt,
                    "voice": "zh-female" if zh else "joe-us",
                    "speed": r.choice([0.9, 1.0, 1.1]),
                }
            case TaskType.music:
                return {
                    "prompt": prompt,
                    "mood": r.choice(["calm", "epic", "playful", "dark"]),
                    "duration": r.choice([15, 30, 60]),
                }
            case TaskType.sound_effect:
                return {"prompt": prompt, "duration": r.choice([1, 2, 3, 5])}
            case TaskType.transcription:
                return {"asset_id": asset, "language": "zh" if zh else "en", "title": prompt}
            case TaskType.audio_mix:
                return {"title": prompt, "tracks": [asset], "ducking": True}
            case TaskType.workflow_step:
                return {"idea": prompt, "step": r.choice(["script", "storyboard", "images"])}
            case _:  # prompt_enhance, prompt_critique
                return {"prompt": prompt}

    def _output(
        self, task_type: TaskType, data: dict[str, Any]
    ) -> tuple[dict[str, Any], list[str]]:
        r = self.rng
        ids = [str(uuid.UUID(int=r.getrandbits(128))) for _ in range(r.randint(1, 2))]
        if task_type in (
            TaskType.chat,
            TaskType.prompt_enhance,
            TaskType.prompt_critique,
            TaskType.prompt_variations,
        ):
            return {
                "text": (data.get("prompt") or data.get("content") or "") * 2,
                "tokens": r.randint(40, 900),
            }, []
        if task_type == TaskType.image_generation:
            return {
                "width": data["width"],
                "height": data["height"],
                "seed": data["seed"],
                "asset_ids": ids,
            }, [f"/api/assets/{i}" for i in ids]
        return {"asset_ids": ids, "duration": r.randint(1, 60)}, [f"/api/assets/{i}" for i in ids]

    def row(self, i: int) -> dict[str, Any]:
        r = self.rng
        marker = self.marker_of.get(i)
        zh = marker in ("zh3", "zh2", "zh2_rare") if marker else r.random() < 0.4
        task_type = r.choices(self.types, self.type_weights)[0]
        status = r.choices(self.statuses, self.status_weights)[0]
        provider, model = self.provider_of[task_type]
        input_data = self._input(task_type, zh, self._prompt(zh, marker))
        created = self.now - timedelta(seconds=self.ages[i])
        started = created + timedelta(seconds=r.uniform(0.01, 5))
        finished = started + timedelta(seconds=r.uniform(0.2, 240))
        output_data: dict[str, Any] | None = None
        output_urls: list[str] = []
        error_code = error_message = None
        if status == TaskStatus.succeeded:
            output_data, output_urls = self._output(task_type, input_data)
        elif status == TaskStatus.failed:
            error_code, error_message = r.choice(FAILURES)
        return {
            "id": uuid.UUID(int=r.getrandbits(128), version=4),
            "user_id": self.user_id,
            "task_type": task_type,
            "status": status,
            "input_data": input_data,
            "output_data": output_data,
            "output_urls": output_urls,
            **search_columns(input_data),
            "progress": 100 if status == TaskStatus.succeeded else r.randint(0, 90),
            "progress_message": None,
            "error_code": error_code,
            "error_message": error_message,
            "provider": provider,
            "model": model,
            "attempts": 1 if status != TaskStatus.failed else r.randint(1, 2),
            "cancel_requested": status == TaskStatus.cancelled,
            "heartbeat_at": None,
            "workflow_id": None,
            "started_at": started,
            "finished_at": finished,
            "created_at": created,
            "updated_at": finished,
        }
