"""The /api/prompts endpoints through HTTP, with the real app and the embedded text model.

The model is real (SmolLM2-135M when installed): these tests assert what the rules
guarantee (structure, the user's words, styles, languages), never the model's wording.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from creative_hub.prompts.templates import NEGATIVE_TARGETS, Target, field_names
from tests.support.api import assert_error, register

IDEAS = {
    Target.image: "a cat in the rain",
    Target.video: "a fox running through the snow",
    Target.music: "a song about rainy nights in Tokyo",
    Target.speech: "Welcome back to the show. Tonight we talk about sleep.",
    Target.chat: "write a blog post about remote work",
}


async def _post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    r = await client.post(f"/api/prompts/{path}", json=body, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _assert_complete(result: dict[str, Any], target: Target) -> None:
    assert list(result["fields"]) == list(field_names(target))
    assert all(isinstance(v, str) and v.strip() for v in result["fields"].values()), result
    assert set(result["sources"]) == set(result["fields"])
    assert set(result["sources"].values()) <= {"user", "style", "model", "rules"}
    assert result["prompt"].strip()
    if target in NEGATIVE_TARGETS:
        assert result["negative_prompt"] and "blurry" in result["negative_prompt"]
    else:
        assert result["negative_prompt"] is None
    assert result["used_model"] == ("model" in result["sources"].values())
    if not result["used_model"]:
        assert result["model_note"]


async def test_enhance_fills_every_field_of_every_target(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for target, idea in IDEAS.items():
        result = await _post(client, "enhance", user["headers"], prompt=idea, target=target)
        assert result["target"] == target and result["language"] == "en"
        _assert_complete(result, target)
    # Rule-guaranteed content: the subject keeps the idea, the speech text is verbatim.
    image = await _post(
        client, "enhance", user["headers"], prompt="a cat in the rain", target="image"
    )
    assert "cat" in image["fields"]["subject"].lower()
    assert image["fields"]["subject"] in image["prompt"]
    speech = await _post(
        client, "enhance", user["headers"], prompt=IDEAS[Target.speech], target="speech"
    )
    assert speech["fields"]["text"] == IDEAS[Target.speech]
    assert speech["prompt"].endswith(IDEAS[Target.speech])


async def test_the_users_own_words_are_kept(client: httpx.AsyncClient) -> None:
    user = await register(client)
    result = await _post(
        client,
        "enhance",
        user["headers"],
        prompt="a lighthouse on a cliff, golden hour, 85mm lens, no people",
        target="image",
    )
    assert result["fields"]["lighting"] == "golden hour"
    assert result["fields"]["camera"] == "85mm lens"
    assert result["sources"]["lighting"] == result["sources"]["camera"] == "user"
    assert "people" in result["negative_prompt"]
    assert "people" not in result["fields"]["subject"]
    music = await _post(
        client,
        "enhance",
        user["headers"],
        prompt="a jazz tune for a rainy cafe, 90 bpm",
        target="music",
    )
    assert music["fields"]["genre"] == "jazz" and music["fields"]["tempo"] == "90 bpm"


async def test_a_chosen_style_shows_up(client: httpx.AsyncClient) -> None:
    user = await register(client)
    image = await _post(
        client, "enhance", user["headers"], prompt="a fox", target="image", style="Watercolor"
    )
    assert image["style"] == "watercolor"
    assert "watercolor" in image["fields"]["style"] and image["sources"]["style"] == "style"
    assert "watercolor" in image["prompt"]
    assert "photorealistic" in image["negative_prompt"]
    music = await _post(
        client,
        "enhance",
        user["headers"],
        prompt="a song for studying",
        target="music",
        style="lo-fi",
    )
    assert music["style"] == "lofi" and music["fields"]["genre"] == "lo-fi hip hop"
    assert "80 BPM" in music["prompt"]
    video = await _post(
        client,
        "enhance",
        user["headers"],
        prompt="a city street",
        target="video",
        style="cyberpunk",
    )
    assert "neon" in video["fields"]["style"] and "neon" in video["prompt"]
    # A style the idea names is applied too.
    named = await _post(
        client, "enhance", user["headers"], prompt="a fox, pixel art", target="image"
    )
    assert named["style"] == "pixel_art" and "pixel art" in named["prompt"]


async def test_chinese_ideas(client: httpx.AsyncClient) -> None:
    user = await register(client)
    image = await _post(client, "enhance", user["headers"], prompt="一只在雨中的猫", target="image")
    _assert_complete(image, Target.image)
    assert image["language"] == "zh"
    assert "猫" in image["fields"]["subject"]
    assert image["fields"]["lighting"].isascii()  # English keywords for the image model
    chat = await _post(
        client, "enhance", user["headers"], prompt="写一篇关于远程办公的文章", target="chat"
    )
    _assert_complete(chat, Target.chat)
    assert chat["prompt"].startswith("你是") and "任务：" in chat["prompt"]
    assert "远程办公" in chat["fields"]["task"]
    assert "简体中文" in chat["fields"]["constraints"]
    speech = await _post(
        client, "enhance", user["headers"], prompt="[平静] 欢迎收听今天的节目。", target="speech"
    )
    assert speech["fields"]["text"] == "欢迎收听今天的节目。"
    assert speech["fields"]["tone"] == "平静" and "语速：" in speech["prompt"]
    critique = await _post(client, "critique", user["headers"], prompt="一只猫", target="image")
    assert critique["language"] == "zh"
    assert any(s.startswith("补充光线") for s in critique["suggestions"])
    variations = await _post(
        client, "variations", user["headers"], prompt="一首关于夏天的歌", target="music", count=3
    )
    assert len(variations["items"]) == 3 and variations["language"] == "zh"
    assert all(item["angle"] and not item["angle"].isascii() for item in variations["items"])


async def test_variations_differ(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for target, idea in IDEAS.items():
        count = 5 if target is Target.image else 3
        result = await _post(
            client, "variations", user["headers"], prompt=idea, target=target, count=count
        )
        items = result["items"]
        assert len(items) == count
        assert len({item["prompt"] for item in items}) == count
        assert len({item["angle_id"] for item in items}) == count
        for item in items:
            assert list(item["fields"]) == list(field_names(target))
            assert all(v.strip() for v in item["fields"].values())
            assert item["angle"] and item["changed"]
            assert set(item["changed"]) <= set(item["fields"])
        if target is Target.speech:
            assert all(item["fields"]["text"] == idea for item in items)
            assert result["used_model"] is False
    eight = await _post(
        client, "variations", user["headers"], prompt="a cat", target="image", count=8
    )
    assert len({item["prompt"] for item in eight["items"]}) == 8
    one = await _post(
        client, "variations", user["headers"], prompt="a cat", target="image", count=1
    )
    assert len(one["items"]) == 1


async def test_variations_keep_the_users_choices(client: httpx.AsyncClient) -> None:
    user = await register(client)
    result = await _post(
        client,
        "variations",
        user["headers"],
        prompt="a lighthouse, golden hour",
        target="image",
        style="cinematic",
        count=4,
    )
    for item in result["items"]:
        assert item["fields"]["lighting"] == "golden hour"
        assert "cinematic" in item["fields"]["style"]
        assert "lighting" not in item["changed"]


async def test_critique_scores_vague_below_rich(client: httpx.AsyncClient) -> None:
    user = await register(client)
    vague = await _post(client, "critique", user["headers"], prompt="a cat", target="image")
    rich = await _post(
        client,
        "critique",
        user["headers"],
        prompt="a ginger cat curled up on a rain-streaked windowsill, looking outside, "
        "watercolor, soft window light, close-up, 85mm lens f/1.8",
        target="image",
    )
    assert 0 <= vague["score"] < 40 < 80 < rich["score"] <= 100
    assert vague["missing"] == ["style", "lighting", "composition", "camera"]
    text = " ".join(vague["suggestions"]).lower()
    for aspect in ("subject", "style", "lighting", "composition", "camera"):
        assert aspect in text
    assert rich["missing"] == [] and rich["strengths"]
    assert vague["improved_score"] > vague["score"]
    assert vague["improved_prompt"] and "cat" in vague["improved_prompt"].lower()
    music = await _post(client, "critique", user["headers"], prompt="a song", target="music")
    assert set(music["missing"]) == {"mood", "genre", "tempo", "instruments", "structure"}
    assert any("tempo" in s.lower() and "BPM" in s for s in music["suggestions"])


async def test_styles_listing(client: httpx.AsyncClient) -> None:
    user = await register(client)
    r = await client.get("/api/prompts/styles", headers=user["headers"])
    assert r.status_code == 200, r.text
    body = r.json()
    ids = {item["id"] for item in body["items"]}
    assert {
        "cinematic", "anime", "watercolor", "photorealistic", "pixel_art", "oil_painting",
        "documentary", "lofi",
    } <= ids  # fmt: skip
    assert body["next_cursor"] is None
    for item in body["items"]:
        assert item["name"] and item["name_zh"] and item["description"]
        assert set(item["targets"]) == {t.value for t in Target}
        assert all(item["targets"][t] for t in item["targets"])
        assert item["negative_prompt"]
    r = await client.get("/api/prompts/styles?target=music", headers=user["headers"])
    assert all(set(item["targets"]) == {"music"} for item in r.json()["items"])
    assert_error(
        await client.get("/api/prompts/styles?target=poem", headers=user["headers"]),
        422,
        "validation_error",
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("enhance", {"prompt": "a cat", "target": "poem"}),
        ("enhance", {"prompt": "", "target": "image"}),
        ("enhance", {"prompt": "   ", "target": "image"}),
        ("enhance", {"prompt": "x" * 2001, "target": "image"}),
        ("enhance", {"prompt": "a cat", "target": "image", "style": "vaporwave-deluxe"}),
        ("enhance", {"target": "image"}),
        ("variations", {"prompt": "a cat", "target": "image", "count": 0}),
        ("variations", {"prompt": "a cat", "target": "image", "count": 9}),
        ("critique", {"prompt": "a cat", "target": "song"}),
        ("critique", {"prompt": "a cat"}),
    ],
)
async def test_invalid_requests_are_422(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> None:
    user = await register(client)
    r = await client.post(f"/api/prompts/{path}", json=body, headers=user["headers"])
    assert_error(r, 422, "validation_error")


async def test_the_longest_prompt_is_accepted(client: httpx.AsyncClient) -> None:
    user = await register(client)
    long = ("a quiet harbour at dawn with fishing boats " * 60)[:2000]
    result = await _post(client, "enhance", user["headers"], prompt=long, target="image")
    _assert_complete(result, Target.image)
    # Longer than any rewrite could be: the model is not asked.
    assert result["model"] is None and "longer" in result["model_note"]


async def test_unknown_models_are_400(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for path in ("enhance", "variations", "critique"):
        body = {"prompt": "a cat", "target": "image", "model": "nowhere/gpt"}
        r = await client.post(f"/api/prompts/{path}", json=body, headers=user["headers"])
        assert_error(r, 400, "unknown_provider")
        body["model"] = "local/no-such-model"
        r = await client.post(f"/api/prompts/{path}", json=body, headers=user["headers"])
        assert_error(r, 400, "unknown_model")


async def test_sign_in_is_required(client: httpx.AsyncClient) -> None:
    body = {"prompt": "a cat", "target": "image"}
    for path in ("enhance", "variations", "critique"):
        assert_error(await client.post(f"/api/prompts/{path}", json=body), 401)
    assert_error(await client.get("/api/prompts/styles"), 401)


async def test_openapi_documents_the_endpoints(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    for path in ("enhance", "variations", "critique", "styles"):
        operation = schema["paths"][f"/api/prompts/{path}"]
        (method,) = operation
        assert operation[method]["tags"] == ["prompts"]
    assert "prompts" in {tag["name"] for tag in schema["tags"]}
