"""The Chat page in a real browser: a streamed reply, Stop keeping the partial reply,
rename and delete. The reply comes from the embedded SmolLM2 model."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import Screenshot

REPLY_TIMEOUT = 120_000  # SmolLM2 on two shared cores
COUNT_UPDATES = """() => {
  window.replyUpdates = 0;
  new MutationObserver((changes) => {
    for (const change of changes) {
      const node = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      if (node && node.closest(".chat-assistant .chat-text")) window.replyUpdates++;
    }
  }).observe(document.querySelector("[data-chat-messages]"),
             {subtree: true, childList: true, characterData: true});
}"""


async def _new_chat(page: Page) -> None:
    await page.goto("/chat")
    await page.get_by_role("button", name="Start a new chat").click()
    await expect(page).to_have_url(re.compile(r"/chat/[0-9a-f-]{36}$"))
    await expect(page.get_by_role("heading", name="New chat")).to_be_visible()


async def test_a_message_gets_a_streamed_reply(page: Page, screenshot: Screenshot) -> None:
    await _new_chat(page)
    # Count how many times the reply's text changes: token by token means many times.
    await page.evaluate(COUNT_UPDATES)
    await page.get_by_label("Message").fill("Say hello in one short sentence.")
    await page.get_by_role("button", name="Send").click()
    await expect(page.locator(".chat-user .chat-text")).to_have_text(
        "Say hello in one short sentence."
    )
    reply = page.locator(".chat-assistant").last
    await expect(reply).to_have_attribute("data-status", "complete", timeout=REPLY_TIMEOUT)
    await expect(page.get_by_role("button", name="Send")).to_be_visible()
    streamed = await reply.locator(".chat-text").inner_text()
    assert streamed.strip()
    assert await page.evaluate("window.replyUpdates") > 2
    # After the first exchange the conversation gets a title from the model.
    await expect(page.locator("#chat-title h1")).not_to_have_text("New chat", timeout=REPLY_TIMEOUT)
    # The reply was saved: a reload shows the same text, and the list has the title.
    await page.reload()
    await expect(page.locator(".chat-assistant .chat-text").last).to_have_text(streamed)
    await expect(page.locator(".chat-list a[aria-current=page]")).not_to_have_text("New chat")
    await screenshot(page, "chat")
    assert page.console_errors == []  # type: ignore[attr-defined]


async def test_stop_keeps_the_partial_reply(page: Page) -> None:
    await _new_chat(page)
    await page.get_by_label("Message").fill(
        "Write a long story about a dragon who learns to bake bread, in many paragraphs."
    )
    await page.get_by_label("Message").press("Enter")
    reply = page.locator(".chat-assistant").last
    await expect(reply.locator(".chat-text")).not_to_be_empty(timeout=REPLY_TIMEOUT)
    await page.get_by_role("button", name="Stop").click()
    await expect(reply).to_have_attribute("data-status", "stopped", timeout=REPLY_TIMEOUT)
    await expect(reply.get_by_text("Stopped")).to_be_visible()
    partial = (await reply.locator(".chat-text").inner_text()).strip()
    assert partial
    await page.reload()
    saved = page.locator(".chat-assistant").last
    await expect(saved.locator(".chat-text")).to_have_text(partial)
    await expect(saved.get_by_text("Stopped")).to_be_visible()


async def test_rename_and_delete_a_conversation(page: Page) -> None:
    await _new_chat(page)
    await page.get_by_text("Rename or delete").click()
    await page.get_by_label("Title").fill("Ideas <b>bold</b>")
    await page.get_by_role("button", name="Rename").click()
    await expect(page.get_by_role("heading", name="Ideas <b>bold</b>")).to_be_visible()
    await expect(page.locator(".chat-list a[aria-current=page]")).to_have_text("Ideas <b>bold</b>")
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_text("Rename or delete").click()
    await page.get_by_role("button", name="Delete").click()
    await expect(page).to_have_url("/chat")
    await expect(page.get_by_text("No conversations yet.")).to_be_visible()


async def test_a_prompt_carried_from_the_prompt_expert_waits_in_the_message_box(
    page: Page,
) -> None:
    await page.goto("/chat?prompt=Plan+a+trip+to+%3CParis%3E")
    await page.get_by_role("button", name="Start a new chat").click()
    await expect(page).to_have_url(re.compile(r"/chat/[0-9a-f-]{36}\?prompt="))
    await expect(page.get_by_label("Message")).to_have_value("Plan a trip to <Paris>")
